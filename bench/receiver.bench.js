// What a forged delivery costs the receiver (a raw-body scan and one digest compare) against a
// full parseForm of the same body, and the whole receiver.handle pipeline against the
// qs.parse + hand-written compare most services write. Same payloads, same run.
import { timingSafeEqual } from 'node:crypto';
import { createReceiver, parseForm } from '@b24hooks/core';
import qs from 'qs';
import { Bench } from 'tinybench';
import { PAYLOADS, fullAuth } from './payloads.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);
const TOKEN = fullAuth().application_token;
const FORM = 'application/x-www-form-urlencoded';
const receiver = createReceiver({ token: TOKEN });
const post = (body) => ({ method: 'POST', contentType: FORM, body });
const forge = (body) => body.replaceAll(`application_token%5D=${TOKEN}`, 'application_token%5D=forged00000000000000000000000000');

const expected = Buffer.from(TOKEN);
/** The usual hand-written receiver: qs defaults, then a length check and timingSafeEqual. */
function handWritten(body) {
  const token = Buffer.from(String(qs.parse(body).auth?.application_token ?? ''));
  return token.length === expected.length && timingSafeEqual(token, expected) ? 200 : 401;
}

const opsPerSecond = (task) => (task.result?.period ? 1000 / task.result.period : Number.NaN);
const format = (value) => `${Math.round(value).toLocaleString('en-US')} op/s`.padStart(16);

const TASKS = {
  'parseForm (forged body)': (body) => parseForm(forge(body)),
  'handle: forged refused': (body) => receiver.handle(post(forge(body))),
  'handle: genuine': (body) => receiver.handle(post(body)),
  'qs + compare: genuine': (body) => handWritten(body),
};

console.log(`receiver, ${TIME_MS} ms per task (node ${process.version})`);
console.log(`${'payload'.padEnd(20)}${Object.keys(TASKS).map((name) => name.padStart(26)).join('')}  parse/refusal  handle/qs`);
const refusalRatios = [];
for (const { name, body } of PAYLOADS) {
  const forged = forge(body);
  if (forged === body) throw new Error(`${name}: could not forge the token`);
  if ((await receiver.handle(post(forged))).error?.code !== 'TOKEN_MISMATCH') throw new Error(`${name}: forged body not refused`);
  if ((await receiver.handle(post(body))).status !== 200) throw new Error(`${name}: genuine body refused`);
  // qs stops after 1,000 parameters, so the hand-written receiver never sees a trailing auth block.
  const qsKeepsAuth = handWritten(body) === 200;
  // Bodies are prepared outside the timed functions: each task times only the receiver's work.
  const prepared = { forged, body };
  const bench = new Bench({ name, time: TIME_MS, warmupTime: Math.min(200, TIME_MS) });
  bench
    .add('parseForm (forged body)', () => parseForm(prepared.forged))
    .add('handle: forged refused', () => receiver.handle(post(prepared.forged)))
    .add('handle: genuine', () => receiver.handle(post(prepared.body)))
    .add('qs + compare: genuine', () => handWritten(prepared.body));
  await bench.run();
  const ops = Object.fromEntries(bench.tasks.map((task) => [task.name, opsPerSecond(task)]));
  const refusal = ops['handle: forged refused'] / ops['parseForm (forged body)'];
  refusalRatios.push(refusal);
  console.log(
    `${name.padEnd(20)}${Object.keys(TASKS).map((task) => format(ops[task]).padStart(26)).join('')}` +
      `  ${refusal.toFixed(1).padStart(12)}×  ${qsKeepsAuth ? `${(ops['handle: genuine'] / ops['qs + compare: genuine']).toFixed(2).padStart(8)}×` : ' qs lost auth: refuses it'}`,
  );
}
console.log(`forged-token refusal vs full parse: worst ${Math.min(...refusalRatios).toFixed(1)}× cheaper (goal ≥ 20×)`);
