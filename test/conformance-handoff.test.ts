/**
 * The conformance table with a hand-off set-up: every receiver is `createReceiver({ handoff })`
 * on a real BullMQ queue, and its handlers run in a worker. Through Express, Koa and the Nest
 * module route the answers must be receiver.handle's (in-request handlers) and the worker must
 * see the same event. To compare events, the test's hand-off resolves only once the worker has
 * run the job; a real one resolves as soon as Redis has it.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { createQueue, type B24Queue } from '@b24hooks/bullmq';
import type { B24Handoff } from '@b24hooks/core';
import { CASES, createCaseReceiver, type Answer, RECEIVER_SETUPS, type CaseReceiver, type ConformanceCase, type ReceiverSetup } from './conformance/cases.js';
import { ROBOT_CASES } from './conformance/robot-cases.js';
import { describeReference, runTarget } from './conformance/runner.js';
import { TARGETS, type ConformanceTarget } from './conformance/targets/index.js';
import { NEST_TARGETS } from './conformance/targets/nest.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

let queues = 0;

/** A queue whose worker runs `worker`'s handlers; `enqueue` waits for the worker to finish the job. */
function handOffTo(worker: CaseReceiver): { handoff: B24Handoff; close(): Promise<void> } {
  const queue: B24Queue = createQueue({ connection: server.url, name: `conformance-${process.pid}-${++queues}`, dedupSeconds: 0 });
  // One attempt: each job settles once, so `enqueue` below waits for exactly its own job.
  const running = queue.work(worker.receiver, { attempts: 1, worker: { drainDelay: 1 } });
  const waiting: Array<() => void> = [];
  running.on('completed', () => waiting.shift()?.());
  running.on('failed', () => waiting.shift()?.());
  return {
    handoff: {
      async enqueue(item) {
        const done = new Promise<void>((resolve) => waiting.push(resolve));
        await queue.enqueue(item);
        await done;
      },
    },
    async close() {
      await running.close();
      await queue.close();
    },
  };
}

/** The same target, its receivers verifying and handing off; the suite's receivers run in workers. */
function withHandoff(target: ConformanceTarget): ConformanceTarget {
  return {
    name: `${target.name}, hand-off to BullMQ`,
    async start(receivers) {
      const closers: Array<() => Promise<void>> = [];
      const fronts = {} as Record<ReceiverSetup, CaseReceiver>;
      for (const setup of RECEIVER_SETUPS) {
        const { handoff, close } = handOffTo(receivers[setup]);
        closers.push(close);
        const front = createCaseReceiver(setup, { handoff });
        // Nest's guard route is the handler itself: it records into the suite's list directly.
        fronts[setup] = { ...front, events: receivers[setup].events };
      }
      const running = await target.start(fronts);
      return {
        url: running.url,
        async close() {
          await running.close();
          await Promise.all(closers.map((close) => close()));
        },
      };
    },
  };
}

/** A job never holds an application_token, so the worker's event.raw has none (not even redacted). */
function withoutApplicationToken(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutApplicationToken);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'application_token').map(([key, inner]) => [key, withoutApplicationToken(inner)]));
}
const jobView = (answer: Answer): Answer => ({ ...answer, event: withoutApplicationToken(answer.event) });

/**
 * Robot calls are handed off too. Only a failing handler answers differently: in the request it is
 * 500 HANDLER_FAILED, with a hand-off the call is the queue's (200) and the worker's attempt fails.
 */
const HANDED_OFF: readonly ConformanceCase[] = [
  ...CASES,
  ...ROBOT_CASES.map((item) =>
    item.expect !== 'no-answer' && item.expect.code === 'HANDLER_FAILED'
      ? { ...item, name: `${item.name} (hand-off: 200 once queued, the worker's attempt fails)`, expect: { status: 200 } }
      : item,
  ),
];

describeReference([...CASES, ...ROBOT_CASES]);

describe('hand-off: the answers and events of receiver.handle with handlers in the request', () => {
  for (const target of TARGETS) runTarget(withHandoff(target), HANDED_OFF, jobView);
  const nest = NEST_TARGETS.filter((target) => target.mode === 'module route' && target.setup === 'bodyParser: false');
  for (const target of nest) runTarget(withHandoff(target), HANDED_OFF, jobView);
});
