// The worker process: runs the handlers for every job, retrying failures; run as many as you like.
//   B24_APP_TOKEN=<token> REDIS_URL=redis://127.0.0.1:6379 node worker.js
import { createHooks } from './hooks.js';
import { openQueue } from './queue.js';

const queue = openQueue();
// No second token check happens here: the receiving process verified every job it enqueued.
const worker = queue.work(createHooks(), { concurrency: 4, attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
worker.on('ready', () => console.log('worker: ready'));

// Graceful: running jobs finish before the process exits.
process.on('SIGTERM', () => queue.close().then(() => process.exit(0)));
