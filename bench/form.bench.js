// parseForm against qs.parse with its defaults (what express.urlencoded({ extended: true }) and
// many apps use) and a flat URLSearchParams floor (no nesting at all: the least work any parser
// can do), on the same realistic bodies in the same run. Prints ops/s and parseForm/qs.
import { parseForm } from '@b24hooks/core';
import qs from 'qs';
import { Bench } from 'tinybench';
import { PAYLOADS } from './payloads.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);

/** What URLSearchParams alone gives: flat "data[FIELDS][ID]" keys, the last value winning. */
function flatSearchParams(body) {
  const out = {};
  for (const [key, value] of new URLSearchParams(body)) out[key] = value;
  return out;
}

const PARSERS = {
  parseForm: (body) => parseForm(body),
  'qs.parse': (body) => qs.parse(body),
  URLSearchParams: flatSearchParams,
};

const opsPerSecond = (task) => (task.result?.period ? 1000 / task.result.period : Number.NaN);
const format = (value) => Math.round(value).toLocaleString('en-US').padStart(10);

console.log(`form parsing, ${TIME_MS} ms per task (node ${process.version})`);
console.log(`${'payload'.padEnd(30)}${Object.keys(PARSERS).map((name) => name.padStart(16)).join('')}  parseForm/qs  parseForm/flat`);
const ratios = [];
for (const { name, body, bytes, params } of PAYLOADS) {
  const bench = new Bench({ name, time: TIME_MS, warmupTime: Math.min(200, TIME_MS) });
  for (const [parser, parse] of Object.entries(PARSERS)) bench.add(parser, () => parse(body));
  await bench.run();
  const ops = Object.fromEntries(bench.tasks.map((task) => [task.name, opsPerSecond(task)]));
  const ratio = ops.parseForm / ops['qs.parse'];
  ratios.push(ratio);
  const label = `${name} (${bytes.toLocaleString('en-US')} B, ${params})`;
  console.log(
    `${label.padEnd(30)}${Object.keys(PARSERS).map((parser) => `${format(ops[parser])} op/s`.padStart(16)).join('')}` +
      `  ${ratio.toFixed(2).padStart(11)}×  ${(ops.parseForm / ops.URLSearchParams).toFixed(2).padStart(13)}×`,
  );
}
console.log(`parseForm/qs.parse: worst ${Math.min(...ratios).toFixed(2)}× (goal ≥ 1.00×)`);
