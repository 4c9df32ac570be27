// HTTP throughput of a Bitrix24 endpoint, loopback only: each server (http-servers.js) runs in its
// own process and autocannon loads it for BENCH_HTTP_SECONDS (default 4) per delivery. Compares
// Express and Koa with b24hooks against the same frameworks with their usual body parser and a
// hand-written token compare, and against node:http + raw-body + qs as the floor of framework
// overhead. Ratios come from this one run.
import { fileURLToPath } from 'node:url';
import { CONNECTIONS, SECONDS, measure, printCpu, printRates, printRatios, startServer } from './http-harness.js';
import { SERVER_NAMES } from './http-servers.js';

const serverScript = fileURLToPath(new URL('./http-servers.js', import.meta.url));

console.log(`Express and Koa over HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case (node ${process.version})`);
const only = process.env.BENCH_HTTP_SERVERS?.split('|');
const results = await measure(only ?? SERVER_NAMES, (server) => startServer(serverScript, [server]));
printRates(results);
printRatios(results, [
  ['express + b24hooks', 'express + urlencoded + compare', 2],
  ['koa + b24hooks', 'express + urlencoded + compare', 2],
  ['koa + b24hooks', 'koa + bodyparser + compare'],
  ['express + b24hooks', 'node:http + raw-body + qs', 0.8],
  ['koa + b24hooks', 'node:http + raw-body + qs', 0.8],
]);
printCpu(results, [
  ['express + b24hooks', 'express, raw bytes searched (ceiling)'],
  ['koa + b24hooks', 'koa, raw bytes searched (ceiling)'],
]);
