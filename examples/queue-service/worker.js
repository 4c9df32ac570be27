// The worker process: runs the handlers for every job, retrying failures; run as many as you like.
//   REDIS_URL=redis://127.0.0.1:6379 node worker.js
import { createReceiver } from '@b24hooks/core';
import { openQueue } from './queue.js';

const queue = openQueue();
// No token check happens here (the receiving process did it); the token option is still required.
const receiver = createReceiver({ token: 'verified-by-the-receiving-process', logger: console });

receiver.on('ONCRMDEALUPDATE', async (event) => {
  // Ids only: read the deal back through the REST API here; a repeat must be harmless.
  console.log(`worker: deal ${event.data.FIELDS.ID} changed on ${event.portal.domain}`);
});
receiver.onError((error, event) => {
  console.error(`worker: gave up on ${event?.name ?? 'a job'}: ${error.message}`);
});

const worker = queue.work(receiver, { concurrency: 4, attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
worker.on('ready', () => console.log('worker: ready'));

// Graceful: running jobs finish before the process exits.
process.on('SIGTERM', () => queue.close().then(() => process.exit(0)));
