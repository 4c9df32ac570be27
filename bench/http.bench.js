// HTTP throughput of a Bitrix24 endpoint, loopback only: each server (http-servers.js) runs in its
// own process and autocannon loads it for BENCH_HTTP_SECONDS (default 4) per delivery. Compares
// Express and Koa with b24hooks against the same frameworks with their usual body parser and a
// hand-written token compare, and against node:http + raw-body + qs as the floor of framework
// overhead. Ratios come from this one run.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SERVER_NAMES, TOKEN } from './http-servers.js';
import { botMessage, dealUpdate } from './payloads.js';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const serverScript = fileURLToPath(new URL('./http-servers.js', import.meta.url));

const DELIVERIES = [
  { name: 'deal update', body: dealUpdate(), status: 200 },
  { name: 'bot message', body: botMessage(), status: 200 },
  { name: 'forged token', body: dealUpdate().replace(TOKEN, 'f0rg3d0000000000000000000000f0rg'), status: 401 },
];

async function startServer(name) {
  const child = fork(serverScript, [name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return { url: `http://127.0.0.1:${port}/b24`, stop: () => child.kill() };
}

function load(url, body, seconds) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function checkAnswer(url, delivery, server) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: delivery.body });
  await response.arrayBuffer();
  if (response.status !== delivery.status) throw new Error(`${server} answered ${delivery.name} with ${response.status}, not ${delivery.status}`);
}

console.log(`HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case (node ${process.version})`);
const results = {};
for (const server of SERVER_NAMES) {
  const { url, stop } = await startServer(server);
  try {
    for (const delivery of DELIVERIES) await checkAnswer(url, delivery, server);
    await load(url, DELIVERIES[0].body, 1); // warm-up
    results[server] = {};
    for (const delivery of DELIVERIES) {
      const result = await load(url, delivery.body, SECONDS);
      const unexpected = result.non2xx - (delivery.status === 200 ? 0 : result.requests.total) + result.errors + result.timeouts;
      if (unexpected !== 0) throw new Error(`${server}, ${delivery.name}: ${unexpected} unexpected answers or errors`);
      results[server][delivery.name] = result.requests.average;
    }
  } finally {
    stop();
  }
}

const pad = (text, width) => String(text).padStart(width);
const rate = (value) => `${Math.round(value).toLocaleString('en-US')} req/s`;
console.log(`\n${'server'.padEnd(32)}${DELIVERIES.map((delivery) => pad(delivery.name, 16)).join('')}`);
for (const server of SERVER_NAMES) {
  console.log(`${server.padEnd(32)}${DELIVERIES.map((delivery) => pad(rate(results[server][delivery.name]), 16)).join('')}`);
}

const RATIOS = [
  ['express + b24hooks', 'express + urlencoded + compare', 2],
  ['koa + b24hooks', 'express + urlencoded + compare', 2],
  ['koa + b24hooks', 'koa + bodyparser + compare', undefined],
  ['express + b24hooks', 'node:http + raw-body + qs', 0.8],
  ['koa + b24hooks', 'node:http + raw-body + qs', 0.8],
];
console.log('\nratios (goal in brackets)');
for (const [server, against, goal] of RATIOS) {
  const ratios = DELIVERIES.map((delivery) => results[server][delivery.name] / results[against][delivery.name]);
  const met = goal === undefined ? '' : ratios.every((ratio) => ratio >= goal) ? '  met' : '  NOT met';
  console.log(`${`${server} / ${against}`.padEnd(60)}${ratios.map((ratio) => pad(`${ratio.toFixed(2)}×`, 8)).join('')}${goal ? `  [≥ ${goal}×]${met}` : ''}`);
}
