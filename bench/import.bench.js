// What importing @b24hooks/core costs a fresh process (issue 15, goal 5: at most 40 ms), against
// importing node:http alone in the same run. Each sample is a new node process timing its own
// dynamic import; medians of interleaved runs.
import { spawnSync } from 'node:child_process';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const timed = (specifier) =>
  `const s = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - s);`;
function sample(specifier) {
  const { stdout, status } = spawnSync(process.execPath, ['--input-type=module', '-e', timed(specifier)], { encoding: 'utf8' });
  if (status !== 0) throw new Error(`importing ${specifier} failed`);
  return Number(stdout.trim());
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const core = [];
const http = [];
for (let run = 0; run < RUNS; run++) {
  core.push(sample('@b24hooks/core'));
  http.push(sample('node:http'));
}
const show = (values) => `${median(values).toFixed(1)} ms (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
console.log(`import in a fresh process, ${RUNS} interleaved runs, median (min–max) (node ${process.version})`);
console.log(`@b24hooks/core: ${show(core)} (goal ≤ 40 ms); node:http: ${show(http)}`);
