// The receiving process: verifies each delivery, puts it in Redis, then answers 200. No handler runs here.
//   B24_APP_TOKEN=<token> REDIS_URL=redis://127.0.0.1:6379 PORT=3000 node receiver.js
import { b24hooks } from '@b24hooks/express';
import express from 'express';
import { createHooks } from './hooks.js';
import { openQueue } from './queue.js';

const queue = openQueue();
const receiver = createHooks({ handoff: queue });

const app = express();
app.post('/b24', b24hooks(receiver));
const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  console.log(`receiver: listening at http://127.0.0.1:${server.address().port}/b24`);
});

// On a deploy: stop taking requests, then let the queue flush its journal.
process.on('SIGTERM', () => server.close(() => queue.close().then(() => process.exit(0))));
