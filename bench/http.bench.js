// HTTP throughput of a Bitrix24 endpoint, loopback only: each server (http-servers.js) runs in its
// own process and autocannon loads it for BENCH_HTTP_SECONDS (default 4) per delivery, in
// BENCH_HTTP_ROUNDS interleaved slices (default 5). Compares Express and Koa with b24hooks against
// the same frameworks with their usual body parser and a hand-written token compare, against
// node:http + raw-body + qs, and (server CPU per request) against each framework reading the raw
// bytes. BENCH_BASE=<built worktree of an older commit> adds the b24hooks servers of that build.
import { fileURLToPath } from 'node:url';
import { CONNECTIONS, SECONDS, benchServers, measure, printCpu, printRates, printRatios } from './http-harness.js';
import { SERVER_NAMES } from './http-servers.js';

const serverScript = fileURLToPath(new URL('./http-servers.js', import.meta.url));
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
const WITH_B24HOOKS = ['express + b24hooks', 'koa + b24hooks'];
const CEILINGS = { 'express + b24hooks': 'express, raw bytes searched (ceiling)', 'koa + b24hooks': 'koa, raw bytes searched (ceiling)' };

const { servers, builds, start } = benchServers(SERVER_NAMES, WITH_B24HOOKS, serverScript, (name) => [name]);

console.log(`Express and Koa over HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case, ${ROUNDS} rounds (node ${process.version})`);
const results = await measure(servers, start, { rounds: ROUNDS });
printRates(results);
printRatios(
  results,
  builds.flatMap((build) => [
    [`express + b24hooks${build}`, 'express + urlencoded + compare', 2],
    [`koa + b24hooks${build}`, 'express + urlencoded + compare', 2],
    [`koa + b24hooks${build}`, 'koa + bodyparser + compare'], // goal: ≥ 2× on the bot message
    [`express + b24hooks${build}`, 'node:http + raw-body + qs', 0.8],
    [`koa + b24hooks${build}`, 'node:http + raw-body + qs', 0.8],
  ]),
);
printCpu(
  results,
  builds.flatMap((build) => WITH_B24HOOKS.map((server) => [`${server}${build}`, CEILINGS[server]])),
);
