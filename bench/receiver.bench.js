// What a forged delivery costs the receiver (a raw-body scan and one constant-time compare) against
// a full parseForm of the same body, and the whole receiver.handle pipeline against the qs.parse +
// hand-written compare most services write. Same payloads, same run, string and Buffer bodies.
//
// tinybench awaits every async iteration, which costs about as much as a cheap refusal itself, so
// each handle() task also runs batched: BATCH calls per iteration, awaited with one Promise.all.
// The "floor" tasks are the least an async refusal can do: two native searches and a prebuilt
// answer. Rounds run interleaved; figures are medians with the min–max spread over rounds.
import { timingSafeEqual } from 'node:crypto';
import { loadavg } from 'node:os';
import { createReceiver, parseForm } from '@b24hooks/core';
import qs from 'qs';
import { Bench } from 'tinybench';
import { PAYLOADS, fullAuth } from './payloads.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 100;
const TOKEN = fullAuth().application_token;
const FORM = 'application/x-www-form-urlencoded';
const receiver = createReceiver({ token: TOKEN });
// A refusal's log line names the claimed event and domain: with a logger they are read too.
const logged = createReceiver({ token: TOKEN, logger: { warn() {} } });
const post = (body) => ({ method: 'POST', contentType: FORM, body });
const forge = (body) => body.replaceAll(`application_token%5D=${TOKEN}`, 'application_token%5D=forged00000000000000000000000000');

const expected = Buffer.from(TOKEN);
/** The usual hand-written receiver: qs defaults, then a length check and timingSafeEqual. */
function handWritten(body) {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const token = Buffer.from(String(qs.parse(text).auth?.application_token ?? ''));
  return token.length === expected.length && timingSafeEqual(token, expected) ? 200 : 401;
}

const PREBUILT = { status: 401, body: { error: { code: 'TOKEN_MISMATCH', message: 'floor' } } };
const ANCHORS = ['&auth%5Bapplication_token%5D=', '&auth%5Bmember_id%5D='];
const ANCHOR_BYTES = ANCHORS.map((anchor) => Buffer.from(anchor));
/** The floor of an async refusal: find the two anchors, answer with a result built once. */
async function floor(body) {
  const [token, member] = typeof body === 'string' ? ANCHORS : ANCHOR_BYTES;
  body.lastIndexOf(token);
  body.lastIndexOf(member);
  return PREBUILT;
}

function batched(call) {
  return (body) => {
    const pending = new Array(BATCH);
    for (let i = 0; i < BATCH; i++) pending[i] = call(body);
    return Promise.all(pending);
  };
}

const refuse = (body) => receiver.handle(post(body));
/** name → [what it runs, which body, calls per iteration] */
const TASKS = {
  'parseForm (forged body)': [(body) => parseForm(body), 'forged', 1],
  'handle: forged refused': [refuse, 'forged', 1],
  [`handle: forged ×${BATCH}`]: [batched(refuse), 'forged', BATCH],
  'handle: forged, logger': [(body) => logged.handle(post(body)), 'forged', 1],
  'handle: genuine': [(body) => receiver.handle(post(body)), 'genuine', 1],
  'qs + compare: genuine': [handWritten, 'genuine', 1],
  'floor: async 2 searches': [floor, 'forged', 1],
  [`floor ×${BATCH}`]: [batched(floor), 'forged', BATCH],
};
const KINDS = { string: (text) => text, Buffer: (text) => Buffer.from(text, 'utf8') };

const cases = [];
for (const { name, body } of PAYLOADS) {
  const forged = forge(body);
  if (forged === body) throw new Error(`${name}: could not forge the token`);
  for (const [kind, as] of Object.entries(KINDS)) {
    const bodies = { forged: as(forged), genuine: as(body) };
    if ((await receiver.handle(post(bodies.forged))).error?.code !== 'TOKEN_MISMATCH') throw new Error(`${name} (${kind}): forged body not refused`);
    if ((await receiver.handle(post(bodies.genuine))).status !== 200) throw new Error(`${name} (${kind}): genuine body refused`);
    // qs stops after 1,000 parameters, so the hand-written receiver never sees a trailing auth block.
    cases.push({ name, kind, bodies, qsKeepsAuth: handWritten(body) === 200, ns: Object.fromEntries(Object.keys(TASKS).map((task) => [task, []])) });
  }
}

const loads = [loadavg()[0]];
console.log(`receiver, ${TIME_MS} ms per task, ${ROUNDS} interleaved rounds (node ${process.version})`);
for (let round = 0; round < ROUNDS; round++) {
  for (const item of cases) {
    const bench = new Bench({ name: item.name, time: TIME_MS, warmupTime: Math.min(150, TIME_MS) });
    // Bodies are prepared outside the timed functions: each task times only the receiver's work.
    for (const [task, [run, which]] of Object.entries(TASKS)) {
      const body = item.bodies[which];
      bench.add(task, () => run(body));
    }
    await bench.run();
    for (const task of bench.tasks) {
      const period = task.result?.period;
      item.ns[task.name].push(period ? (period * 1e6) / TASKS[task.name][2] : Number.NaN);
    }
  }
  loads.push(loadavg()[0]);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const spread = (values, digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const perRound = (item, numerator, denominator) => item.ns[numerator].map((ns, round) => ns / item.ns[denominator][round]);
const grouped = (ns) => Math.round(ns).toLocaleString('en-US');

console.log('\nns per call: median of rounds (min–max)');
const label = (item) => `${item.name} (${item.kind})`.padEnd(28);
console.log(`${'payload'.padEnd(28)}${Object.keys(TASKS).map((task) => task.padStart(32)).join('')}`);
for (const item of cases) {
  const cells = Object.keys(TASKS).map((task) => ` ${grouped(median(item.ns[task]))} (${grouped(Math.min(...item.ns[task]))}–${grouped(Math.max(...item.ns[task]))})`.padStart(32));
  console.log(`${label(item)}${cells.join('')}`);
}

console.log('\nratios, median (min–max) over rounds');
console.log(`${'payload'.padEnd(28)}${'parse/refusal'.padStart(22)}${`parse/refusal ×${BATCH}`.padStart(24)}${'handle/qs'.padStart(22)}`);
const worst = { single: Number.POSITIVE_INFINITY, batched: Number.POSITIVE_INFINITY };
for (const item of cases) {
  const single = perRound(item, 'parseForm (forged body)', 'handle: forged refused');
  const many = perRound(item, 'parseForm (forged body)', `handle: forged ×${BATCH}`);
  const qsRatio = perRound(item, 'qs + compare: genuine', 'handle: genuine');
  worst.single = Math.min(worst.single, median(single));
  worst.batched = Math.min(worst.batched, median(many));
  const cell = (values) => `${median(values).toFixed(1)}× (${spread(values, 1)})`.padStart(22);
  console.log(`${label(item)}${cell(single)}${cell(many).padStart(24)}${item.qsKeepsAuth ? cell(qsRatio) : '  qs lost auth: refuses'}`);
}
console.log(
  `\nforged-token refusal vs full parse: worst median ${worst.single.toFixed(1)}× per call, ${worst.batched.toFixed(1)}× batched (goal ≥ 20×); ` +
    `1-min load ${loads.map((load) => load.toFixed(2)).join(' → ')}`,
);
