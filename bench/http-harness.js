// What every HTTP bench shares: the deliveries, starting a server in its own process, loading it
// with autocannon over loopback for BENCH_HTTP_SECONDS (default 4) per delivery, and the tables.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
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

/**
 * Req/s of every server for every delivery: `{ [server]: { [delivery]: number } }`, and the
 * server process's CPU per request in `cpu` (µs, same shape): unlike req/s, it does not depend
 * on how much of the shared cores the load generator and other processes take.
 */
export async function measure(servers, start) {
  const results = {};
  const cpu = {};
  Object.defineProperty(results, 'cpu', { value: cpu, enumerable: false });
  for (const server of servers) {
    const { url, pid, stop } = await start(server);
    try {
      await checkAnswers(url, server);
      await load(url, DELIVERIES[0].body, 1); // warm-up
      results[server] = {};
      cpu[server] = {};
      for (const delivery of DELIVERIES) {
        const before = cpuMicros(pid);
        const result = await load(url, delivery.body, SECONDS);
        const after = cpuMicros(pid);
        cpu[server][delivery.name] = before === undefined || after === undefined ? Number.NaN : (after - before) / result.requests.total;
        const unexpected = result.non2xx - (delivery.status === 200 ? 0 : result.requests.total) + result.errors + result.timeouts;
        if (unexpected !== 0) throw new Error(`${server}, ${delivery.name}: ${unexpected} unexpected answers or errors`);
        results[server][delivery.name] = result.requests.average;
      }
    } finally {
      stop();
    }
  }
  return results;
}

const pad = (text, width) => String(text).padStart(width);

export function printRates(results) {
  const width = Math.max(32, ...Object.keys(results).map((server) => server.length + 2));
  console.log(`\n${'server'.padEnd(width)}${DELIVERIES.map((delivery) => pad(delivery.name, 16)).join('')}`);
  for (const [server, rates] of Object.entries(results)) {
    console.log(`${server.padEnd(width)}${DELIVERIES.map((delivery) => pad(`${Math.round(rates[delivery.name]).toLocaleString('en-US')} req/s`, 16)).join('')}`);
  }
}

/** One line a comparison: `[server, against, goal?]`, the ratio per delivery and whether the goal is met. */
export function printRatios(results, comparisons) {
  console.log('\nratios (goal in brackets)');
  for (const [server, against, goal] of comparisons) {
    if (results[server] === undefined || results[against] === undefined) continue;
    const ratios = DELIVERIES.map((delivery) => results[server][delivery.name] / results[against][delivery.name]);
    const verdict = goal === undefined ? '' : `  [≥ ${goal}×] ${ratios.every((ratio) => ratio >= goal) ? 'met' : 'NOT met'}`;
    console.log(`${`${server} / ${against}`.padEnd(64)}${ratios.map((ratio) => pad(`${ratio.toFixed(2)}×`, 8)).join('')}${verdict}`);
  }
}

/** Server CPU per request, and what `server` adds per request over `base` (its framework's ceiling). */
export function printCpu(results, pairs) {
  const { cpu } = results;
  if (cpu === undefined) return;
  const width = Math.max(32, ...Object.keys(cpu).map((server) => server.length + 2));
  console.log(`\nserver CPU per request, µs (from /proc)\n${'server'.padEnd(width)}${DELIVERIES.map((delivery) => pad(delivery.name, 16)).join('')}`);
  for (const [server, micros] of Object.entries(cpu)) {
    console.log(`${server.padEnd(width)}${DELIVERIES.map((delivery) => pad(micros[delivery.name].toFixed(1), 16)).join('')}`);
  }
  console.log('\nadded per request over the framework reading raw bytes, µs');
  for (const [server, base] of pairs) {
    if (cpu[server] === undefined || cpu[base] === undefined) continue;
    const added = DELIVERIES.map((delivery) => cpu[server][delivery.name] - cpu[base][delivery.name]);
    console.log(`${`${server} − ${base}`.padEnd(64)}${added.map((micros) => pad(micros.toFixed(1), 8)).join('')}`);
  }
}
