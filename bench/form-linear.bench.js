// parseForm on 1 MiB-class pathological bodies, as multiples of 1 MiB of letters in the same run
// (issue 15, goal 2: never above linear; 1 MiB of `+` and the pairs-without-`=` shape within 3x
// the letters). Unlike hostile.bench.js, which goes through receiver.handle (where most of these
// are refused by the token scan before any parse), this times the parser itself. Each body is
// given as bytes, as an adapter passes it: a string parsed again and again would be a string V8
// already hashed and cached, which makes the one-key letters body cost next to nothing.
// Two columns say what any parser pays on the same text:
// - "keys only": the body split at `&`, each part made a key of one object, nothing decoded or
//   checked. 1 MiB of letters is one key, which V8 hashes by length alone (over 16,383
//   characters), so a body of many long keys costs several times it in any JS parser: storing
//   1,990 keys of 480 characters means hashing all of them.
// - qs.parse with no parameter limit (its default, 1,000, would make it stop half way).
import { parseForm } from '@b24hooks/core';
import qs from 'qs';
import { Bench } from 'tinybench';
import { FIT, MIB, keysOnly, medianMs, pairs, repeat } from './pathological.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);
const LIMITS = { maxParams: 100_000 };


/** [name, body, goal as a multiple of the letters (if the issue sets one)] */
const BODIES = [
  ['1 MiB of letters (baseline)', repeat('a')],
  ["1 MiB of '+'", repeat('+'), 3],
  ["1,990 pairs of ~480 B without '='", pairs(1990, 'a'.repeat(480 - 6)), 3],
  ["1 MiB of 'a+'", repeat('a+')],
  ["1 MiB of '%20'", repeat('%20')],
  ["1 MiB of '%' (stray escapes)", repeat('%')],
  ["1 MiB of '[' (unclosed bracket)", `a${repeat('[', FIT - 1)}`],
  ["1 MiB of '.' (mangled name)", repeat('.')],
  ["2,000 keys of 500 '['", pairs(2000, '['.repeat(500))],
  ["2,000 keys of 170 '%5B'", pairs(2000, '%5B'.repeat(170))],
];

console.log(`parseForm on pathological bodies, ${TIME_MS} ms per task, median per call (node ${process.version})`);
const bench = new Bench({ name: 'form-linear', time: TIME_MS, warmupTime: Math.min(200, TIME_MS) });
for (const [name, text] of BODIES) {
  if (Buffer.byteLength(text) > MIB) throw new Error(`${name}: over 1 MiB`);
  const bytes = Buffer.from(text);
  parseForm(bytes, LIMITS); // throws here, not inside the bench, if a body is refused
  bench.add(name, () => parseForm(bytes, LIMITS));
  bench.add(`${name} [keys]`, () => keysOnly(bytes));
  bench.add(`${name} [qs]`, () => qs.parse(bytes.toString(), { parameterLimit: Number.POSITIVE_INFINITY }));
}
await bench.run();
for (const task of bench.tasks) if (task.result?.error) throw new Error(`${task.name}: ${String(task.result.error)}`);
const ms = Object.fromEntries(bench.tasks.map((task) => [task.name, medianMs(task)]));
const baseline = ms[BODIES[0][0]];
const cell = (value, width, unit) => `${value.toFixed(2)}${unit}`.padStart(width);
console.log(
  `${'body'.padEnd(36)}${'parseForm'.padStart(11)}${'/letters'.padStart(10)}${'keys only'.padStart(11)}${'/letters'.padStart(10)}` +
    `${'parse/keys'.padStart(12)}${'qs'.padStart(11)}${'qs/parse'.padStart(10)}  goal`,
);
const verdicts = [];
for (const [name, , goal] of BODIES) {
  const ratio = ms[name] / baseline;
  const floor = ms[`${name} [keys]`] / baseline;
  const verdict = goal === undefined ? '' : `≤ ${goal}× ${ratio <= goal ? 'met' : floor > goal ? 'NOT met (the keys-only floor is above it)' : 'NOT met'}`;
  if (goal !== undefined) verdicts.push(`${name}: ${ratio.toFixed(2)}× letters, ${verdict}`);
  console.log(
    `${name.padEnd(36)}${cell(ms[name], 11, ' ms')}${cell(ratio, 10, '×')}${cell(ms[`${name} [keys]`], 11, ' ms')}${cell(floor, 10, '×')}` +
      `${cell(ms[name] / ms[`${name} [keys]`], 12, '×')}${cell(ms[`${name} [qs]`], 11, ' ms')}${cell(ms[`${name} [qs]`] / ms[name], 10, '×')}  ${verdict}`,
  );
}
for (const line of verdicts) console.log(line);
