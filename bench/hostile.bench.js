// CPU per byte for the worst bodies an unauthenticated caller can send (issue 9, item 9): each
// 1 MiB-class pathological body through receiver.handle, as bytes the way an adapter passes them,
// against 1 MiB of plain letters in the same run. Goal: the worst costs at most 3x the letters,
// and every one is refused (none needs a token to send). Also the deep-JSON case. URLSearchParams
// on the same bytes is the floor: 1 MiB of letters is one key, which V8 hashes by length alone
// (over 16,383 characters), so bodies of many long keys cost several times it in any JS parser.
// The "keys only" column is a floor below that: the bytes made a string, split at `&`, each part
// made a property of one object, nothing decoded or checked (what V8 charges to hash and store
// the keys of the body).
import { createReceiver, createMemoryTokenStore } from '@b24hooks/core';
import { Bench } from 'tinybench';
import { FIT, MIB, keysOnly, medianMs, pairs as keys, repeat } from './pathological.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);
const FORM = 'application/x-www-form-urlencoded';
const receiver = createReceiver({ tokenStore: createMemoryTokenStore({ portal: 'c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4' }) });


/** [name, body text, content type] */
const BODIES = [
  ['1 MiB of letters (baseline)', repeat('a'), FORM],
  ["1 MiB of '+'", repeat('+'), FORM],
  ["1 MiB of '%' (stray escapes)", repeat('%'), FORM],
  ["1 MiB of '%5B'", `a${repeat('%5B', FIT - 1)}`, FORM],
  ["1 MiB of '%20'", repeat('%20'), FORM],
  ["1 MiB of '%C3%A9%' (mixed)", repeat('%C3%A9%'), FORM],
  ["1 MiB of '.' (mangled name)", repeat('.'), FORM],
  ["1 MiB of '[' (unclosed bracket)", `a${repeat('[', FIT - 1)}`, FORM],
  ["1 MiB of '&' (empty pairs)", repeat('&'), FORM],
  ["1 MiB of '='", repeat('='), FORM],
  ["2,000 keys of 500 '['", keys(2000, '['.repeat(500)), FORM],
  ['2,000 keys of 500 letters', keys(2000, 'a'.repeat(500)), FORM],
  // Pairs without '=' whose keys start like auth[...] or event: the ones the token scan reads.
  ["2,000 'a…' pairs without '='", Array.from({ length: 2000 }, (_, i) => `a${i}${'a'.repeat(500)}`).join('&'), FORM],
  ["1 MiB of 'a&' (no '=')", repeat('a&'), FORM],
  ["2,000 keys of 170 '%5B'", keys(2000, '%5B'.repeat(170)), FORM],
  // Keys the token scan must decode to tell from auth[application_token]: a stray `%`, a byte
  // that is no UTF-8. The scan decodes at most the parameter limit of them.
  ["1 MiB of 'auth%5Bapplication_token%5&'", repeat('auth%5Bapplication_token%5&'), FORM],
  ["1 MiB of 'auth%5Bapplication_token%5D%FF&'", repeat('auth%5Bapplication_token%5D%FF&'), FORM],
  ['deep JSON: {"a": 2,000 [ } (4 KB)', `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`, 'application/json'],
  ['1 MiB JSON string of \\u escapes', `{"a":"${repeat('\\u0041', FIT - 10)}"}`, 'application/json'],
];

/** URLSearchParams into a plain object: no nesting, no limits, no checks. */
function flat(bytes) {
  const out = {};
  for (const [key, value] of new URLSearchParams(bytes.toString())) out[key] = value;
  return out;
}

console.log(`hostile bodies through receiver.handle, ${TIME_MS} ms per body, median per call (node ${process.version})`);
const bench = new Bench({ name: 'hostile', time: TIME_MS, warmupTime: Math.min(200, TIME_MS) });
for (const [name, text, contentType] of BODIES) {
  const body = Buffer.from(text);
  if (body.byteLength > MIB) throw new Error(`${name}: ${body.byteLength} bytes is over 1 MiB`);
  const answer = await receiver.handle({ method: 'POST', contentType, body });
  if (answer.status < 400 || answer.status >= 500) throw new Error(`${name}: answered ${answer.status}, expected a refusal`);
  bench.add(name, () => receiver.handle({ method: 'POST', contentType, body }));
  // The least any JS parser does with the same bytes: decode them and build a flat object.
  if (contentType === FORM) {
    bench.add(`${name} [floor]`, () => flat(body));
    bench.add(`${name} [keys]`, () => keysOnly(body));
  }
}
await bench.run();
for (const task of bench.tasks) if (task.result?.error) throw new Error(`${task.name}: ${String(task.result.error)}`);
const ms = Object.fromEntries(bench.tasks.map((task) => [task.name, medianMs(task)]));
const baseline = ms[BODIES[0][0]];
let worst = 0;
console.log(
  `${'body'.padEnd(38)}${'handle'.padStart(12)}${'/letters'.padStart(10)}${'URLSearchParams'.padStart(18)}${'handle/floor'.padStart(14)}` +
    `${'keys only'.padStart(12)}${'/letters'.padStart(10)}`,
);
for (const [name, text] of BODIES) {
  const ratio = ms[name] / baseline;
  if (Buffer.byteLength(text) > MIB / 2) worst = Math.max(worst, ratio);
  const floor = ms[`${name} [floor]`];
  const keysFloor = ms[`${name} [keys]`];
  console.log(
    `${name.padEnd(38)}${`${ms[name].toFixed(2)} ms`.padStart(12)}${`${ratio.toFixed(2)}×`.padStart(10)}` +
      (floor === undefined ? '' : `${`${floor.toFixed(2)} ms`.padStart(18)}${`${(ms[name] / floor).toFixed(2)}×`.padStart(14)}`) +
      (keysFloor === undefined ? '' : `${`${keysFloor.toFixed(2)} ms`.padStart(12)}${`${(keysFloor / baseline).toFixed(2)}×`.padStart(10)}`),
  );
}
console.log(`worst 1 MiB-class body / letters: ${worst.toFixed(2)}× (goal ≤ 3.00×)`);
