// The servers queue.bench.js measures, one per process: `node queue-servers.js <name> <redis url>`
// listens on 127.0.0.1 and sends its port to the parent. The same Express receiver either runs a
// trivial handler in the request, or hands each delivery to Redis (@b24hooks/bullmq) and answers.
import { createServer } from 'node:http';
import { createQueue } from '@b24hooks/bullmq';
import { createReceiver } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import express from 'express';
import { TOKEN } from './http-harness.js';

let handled = 0;
const trivial = () => void handled++;

const SERVERS = {
  'express, trivial handler in the request': () => createReceiver({ token: TOKEN }).onAny(trivial),
  // Every request becomes a job: autocannon repeats one body, which dedup would fold.
  'express, hand-off to Redis (dedup off)': (redis) => createReceiver({ token: TOKEN, handoff: createQueue({ connection: redis, name: 'bench', dedupSeconds: 0 }) }),
  // Every request after the first is a duplicate: one Lua call, no job.
  'express, hand-off to Redis (dedup on)': (redis) => createReceiver({ token: TOKEN, handoff: createQueue({ connection: redis, name: 'bench-dedup' }) }),
};

export const QUEUE_SERVER_NAMES = Object.keys(SERVERS);

if (process.argv[2] !== undefined) {
  const make = SERVERS[process.argv[2]];
  if (!make) throw new Error(`unknown server ${process.argv[2]}; one of: ${QUEUE_SERVER_NAMES.join(', ')}`);
  const app = express();
  app.post('/b24', b24hooks(make(process.argv[3])));
  const server = createServer(app);
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}
