// What every HTTP bench shares: the deliveries, starting a server in its own process, loading it
// with autocannon over loopback for BENCH_HTTP_SECONDS (default 4) per delivery, in interleaved
// slices, and the tables.
import autocannon from 'autocannon';
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { botMessage, dealUpdate, fullAuth } from './payloads.js';

export const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
export const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
export const FORM = 'application/x-www-form-urlencoded';
/** The application token every bench server trusts (the one in payloads.js). */
export const TOKEN = fullAuth().application_token;

export const DELIVERIES = [
  { name: 'deal update', body: dealUpdate(), status: 200 },
  { name: 'bot message', body: botMessage(), status: 200 },
  { name: 'forged token', body: dealUpdate().replace(TOKEN, 'f0rg3d0000000000000000000000f0rg'), status: 401 },
];

/** Forks `script` with `args`; the child listens on 127.0.0.1 and sends `{ port }` when ready. */
export async function startServer(script, args, path = '/b24') {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return { url: `http://127.0.0.1:${port}${path}`, pid: child.pid, stop: () => child.kill() };
}

/** User + system CPU time a process has used, in µs, from /proc (Linux; undefined elsewhere). */
function cpuMicros(pid) {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces, closed by the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

const load = (url, body, seconds) =>
  autocannon({ url, method: 'POST', headers: { 'content-type': FORM }, body, connections: CONNECTIONS, duration: seconds });

async function checkAnswers(url, server) {
  for (const { name, body, status } of DELIVERIES) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': FORM }, body });
    await response.arrayBuffer();
    if (response.status !== status) throw new Error(`${server} answered ${name} with ${response.status}, not ${status}`);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * BENCH_HTTP_PIN=1 pins the servers to the first core and this process (the load generator) to
 * the second (Linux `taskset`, 2+ cores). Off by default: on a machine shared with other work,
 * a server pinned to a core that other processes also use measured about twice the CPU per
 * request, and a wider spread, than one the scheduler may move.
 */
const PIN = process.env.BENCH_HTTP_PIN === '1' && availableParallelism() >= 2 && taskset(['-cp', '1', String(process.pid)]);
function taskset(args) {
  try {
    execFileSync('taskset', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Req/s and server CPU per request of one delivery, loaded for `seconds`. */
async function slice(server, { url, pid }, delivery, seconds) {
  const before = cpuMicros(pid);
  const result = await load(url, delivery.body, seconds);
  const after = cpuMicros(pid);
  const unexpected = result.non2xx - (delivery.status === 200 ? 0 : result.requests.total) + result.errors + result.timeouts;
  if (unexpected !== 0) throw new Error(`${server}, ${delivery.name}: ${unexpected} unexpected answers or errors`);
  return { rate: result.requests.average, cpu: before === undefined || after === undefined ? Number.NaN : (after - before) / result.requests.total };
}

/**
 * Req/s of every server for every delivery: `{ [server]: { [delivery]: number } }`, and the
 * server process's CPU per request in `cpu` (µs, same shape): unlike req/s, it does not depend
 * on how much of the shared cores the load generator and other processes take. Every server stays
 * up while the others are loaded, and each delivery is measured in `rounds` slices of
 * SECONDS / rounds (at least 1 s) taken in turn, in an order rotated each round, so that a load
 * that drifts on a shared machine hits every server alike. Figures are medians; `rounds` keeps
 * each round's (`rounds[i].cpu[server][delivery]`) for spreads and paired differences.
 */
export async function measure(servers, start, { rounds = 1 } = {}) {
  const started = [];
  try {
    for (const server of servers) {
      const running = await start(server);
      started.push(running);
      if (PIN) taskset(['-cp', '0', String(running.pid)]);
      await checkAnswers(running.url, server);
    }
    // Warm-up: every delivery once, so that no round measures a cold JIT.
    for (const [index, server] of servers.entries()) for (const delivery of DELIVERIES) await slice(server, started[index], delivery, 1);
    const taken = Array.from({ length: rounds }, () => ({ rates: {}, cpu: {} }));
    for (const one of taken) for (const server of servers) [one.rates[server], one.cpu[server]] = [{}, {}];
    const seconds = Math.max(1, SECONDS / rounds);
    for (const delivery of DELIVERIES) {
      for (const [round, one] of taken.entries()) {
        for (let turn = 0; turn < servers.length; turn++) {
          const index = (turn + round) % servers.length;
          const { rate, cpu } = await slice(servers[index], started[index], delivery, seconds);
          one.rates[servers[index]][delivery.name] = rate;
          one.cpu[servers[index]][delivery.name] = cpu;
        }
      }
    }
    const medians = (kind) =>
      Object.fromEntries(
        servers.map((server) => [server, Object.fromEntries(DELIVERIES.map(({ name }) => [name, median(taken.map((one) => one[kind][server][name]))]))]),
      );
    const results = medians('rates');
    Object.defineProperty(results, 'cpu', { value: medians('cpu'), enumerable: false });
    Object.defineProperty(results, 'rounds', { value: taken, enumerable: false });
    return results;
  } finally {
    for (const running of started) running.stop();
  }
}

const pad = (text, width) => String(text).padStart(width);

export function printRates(results) {
  const width = Math.max(32, ...Object.keys(results).map((server) => server.length + 2));
  console.log(`\n${'server'.padEnd(width)}${DELIVERIES.map((delivery) => pad(delivery.name, 16)).join('')}`);
  for (const [server, rates] of Object.entries(results)) {
    console.log(`${server.padEnd(width)}${DELIVERIES.map((delivery) => pad(`${Math.round(rates[delivery.name]).toLocaleString('en-US')} req/s`, 16)).join('')}`);
  }
}

/**
 * One line a comparison: `[server, against, goal?]`, the ratio per delivery and whether the goal
 * is met; by req/s, then (when measured) by server CPU per request, `against`'s over `server`'s.
 */
export function printRatios(results, comparisons) {
  const line = (title, ratioOf) => {
    console.log(`\n${title}`);
    for (const [server, against, goal] of comparisons) {
      if (results[server] === undefined || results[against] === undefined) continue;
      const ratios = DELIVERIES.map((delivery) => ratioOf(server, against, delivery.name));
      const verdict = goal === undefined ? '' : `  [≥ ${goal}×] ${ratios.every((ratio) => ratio >= goal) ? 'met' : 'NOT met'}`;
      console.log(`${`${server} / ${against}`.padEnd(80)}${ratios.map((ratio) => pad(`${ratio.toFixed(2)}×`, 8)).join('')}${verdict}`);
    }
  };
  line('ratios by req/s (goal in brackets)', (server, against, name) => results[server][name] / results[against][name]);
  if (results.cpu) line('ratios by server CPU per request', (server, against, name) => results.cpu[against][name] / results.cpu[server][name]);
}

const spread = (values) => (values.length > 1 ? ` ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}` : '');

/**
 * Server CPU per request, and what `server` adds per request over `base` (its framework's
 * ceiling): the median of the differences taken round by round, with their spread.
 */
export function printCpu(results, pairs) {
  const { cpu, rounds = [] } = results;
  if (cpu === undefined) return;
  const cell = rounds.length > 1 ? 24 : 16;
  const width = Math.max(32, ...Object.keys(cpu).map((server) => server.length + 2));
  const header = (title) => console.log(`\n${title}\n${'server'.padEnd(width)}${DELIVERIES.map((delivery) => pad(delivery.name, cell)).join('')}`);
  const row = (label, samples) => console.log(`${label.padEnd(width)}${samples.map((values) => pad(`${median(values).toFixed(1)}${spread(values)}`, cell)).join('')}`);
  header(`server CPU per request, µs (from /proc${rounds.length > 1 ? `; median and range of ${rounds.length} rounds` : ''})`);
  for (const server of Object.keys(cpu)) row(server, DELIVERIES.map(({ name }) => rounds.map((one) => one.cpu[server][name])));
  header('added per request over the framework reading raw bytes, µs');
  for (const [server, base] of pairs) {
    if (cpu[server] === undefined || cpu[base] === undefined) continue;
    row(`${server} − ceiling`, DELIVERIES.map(({ name }) => rounds.map((one) => one.cpu[server][name] - one.cpu[base][name])));
  }
}

/**
 * `BENCH_BASE=<a worktree of an older commit, installed and built>`: the b24hooks servers also run
 * against that build, in the same run and the same rounds, for an honest before/after. The current
 * bench scripts are copied into the base's bench folder (so that they import its build and its
 * node_modules); the copy is removed when the process exits. Returns undefined without BENCH_BASE.
 */
function baseBuild() {
  const root = process.env.BENCH_BASE;
  if (!root) return undefined;
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const here = fileURLToPath(new URL('.', import.meta.url));
  const copy = join(root, 'bench', '.bench-current');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy);
  for (const file of readdirSync(here)) if (file.endsWith('.js')) copyFileSync(join(here, file), join(copy, file));
  process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
  return { label: `@${commit}`, script: (script) => join(copy, basename(script)) };
}

/**
 * The servers to measure and how to start each: `all` (or those of BENCH_HTTP_SERVERS), plus (with BENCH_BASE) each of
 * `withB24hooks` again from the base build, labelled `<name> @<commit>`. `builds` are the label
 * suffixes to pair in ratios ('' for this build).
 */
export function benchServers(all, withB24hooks, script, argsFor) {
  // BENCH_HTTP_SERVERS='a|b' measures only those.
  const only = process.env.BENCH_HTTP_SERVERS?.split('|');
  const names = only ? all.filter((name) => only.includes(name)) : all;
  const base = baseBuild();
  if (!base) return { servers: names, builds: [''], start: (name) => startServer(script, argsFor(name)) };
  const suffix = ` ${base.label}`;
  return {
    servers: names.flatMap((name) => (withB24hooks.includes(name) ? [`${name}${suffix}`, name] : [name])),
    builds: ['', suffix],
    start: (server) =>
      server.endsWith(suffix) ? startServer(base.script(script), argsFor(server.slice(0, -suffix.length))) : startServer(script, argsFor(server)),
  };
}
