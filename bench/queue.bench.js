// The price of a 200 that waits for Redis: req/s of one Express receiver running a trivial handler
// in the request against the same receiver handing each delivery to a local redis-server
// (@b24hooks/bullmq), and the latency of one enqueue over loopback (p50/p99), one at a time and
// ten at a time. Needs redis-server on PATH (scripts/setup.sh installs it).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createQueue } from '@b24hooks/bullmq';
import { parseForm, withoutApplicationTokens } from '@b24hooks/core';
import { Redis } from 'ioredis';
import { CONNECTIONS, SECONDS, measure, printRates, printRatios, startServer } from './http-harness.js';
import { dealUpdate } from './payloads.js';
import { QUEUE_SERVER_NAMES } from './queue-servers.js';

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url, { retryStrategy: (times) => (times > 100 ? null : 50) });
admin.on('error', () => {}); // refused until redis-server listens; retried
await admin.ping();

try {
  const serverScript = fileURLToPath(new URL('./queue-servers.js', import.meta.url));
  console.log(`hand-off over HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case (node ${process.version})`);
  const results = await measure(QUEUE_SERVER_NAMES, async (server) => {
    await admin.flushall();
    return startServer(serverScript, [server, url]);
  });
  printRates(results);
  printRatios(results, [
    ['express, hand-off to Redis (dedup off)', 'express, trivial handler in the request'],
    ['express, hand-off to Redis (dedup on)', 'express, trivial handler in the request'],
  ]);

  await admin.flushall();
  const queue = createQueue({ connection: url, name: 'latency', dedupSeconds: 0 });
  const form = withoutApplicationTokens(parseForm(dealUpdate()));
  const item = () => ({ kind: 'event', name: 'ONCRMDEALUPDATE', memberId: form.auth.member_id, form, receivedAt: new Date() });
  const timed = async () => {
    const started = process.hrtime.bigint();
    await queue.enqueue(item());
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let i = 0; i < 500; i++) await timed(); // warm-up
  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  const line = (label, samples) => {
    const sorted = samples.sort((a, b) => a - b);
    console.log(`${label.padEnd(40)}p50 ${percentile(sorted, 0.5).toFixed(3)} ms   p99 ${percentile(sorted, 0.99).toFixed(3)} ms   (${sorted.length} enqueues)`);
  };
  console.log('\nenqueue latency over loopback (createQueue().enqueue: admission + BullMQ add)');
  const single = [];
  for (let i = 0; i < 5000; i++) single.push(await timed());
  line('one at a time', single);
  const concurrent = [];
  await Promise.all(Array.from({ length: 10 }, async () => {
    for (let i = 0; i < 500; i++) concurrent.push(await timed());
  }));
  line('ten at a time', concurrent);
  await queue.close();
} finally {
  admin.disconnect();
  redisServer.kill();
}
