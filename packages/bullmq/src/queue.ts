import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { handoffRunner, type B24Handoff, type B24HandoffItem, type Receiver } from '@b24hooks/core';
import { Queue, type Worker } from 'bullmq';
import { createAdmission } from './admission.js';
import { producerClient } from './connection.js';
import { coalesceHash, deliveryHash, jobData, type B24JobData } from './job-data.js';
import type { FailedJob, QueueOptions, QueueStats, WorkOptions } from './options.js';
import { failedJobs, queueStats, retryFailed } from './operations.js';
import { createSpillJournal, type SpillEntry } from './spill.js';
import { startWorker, JOB_ATTEMPTS_CEILING } from './work.js';

export interface B24Queue extends B24Handoff {
  readonly name: string;
  /** The plain BullMQ queue underneath (dashboards, events, getters). */
  readonly bullmq: Queue<B24JobData>;
  /** Runs the receiver's handlers for every job; `close()` it to stop. */
  work(receiver: Receiver, options?: WorkOptions): Worker<B24JobData>;
  stats(): Promise<QueueStats>;
  /** The failed jobs, newest first (at most `limit`, default 50): what `b24hooks queue failed` prints. */
  failed(options?: { limit?: number }): Promise<FailedJob[]>;
  /** Moves every failed job back to waiting with fresh attempts; resolves to how many moved. */
  retry(): Promise<number>;
  /** Deliveries in the spill journal, not yet in Redis. */
  readonly spilled: number;
  /** Closes the workers (letting running jobs finish), replays the journal if Redis is there, then disconnects. */
  close(): Promise<void>;
}

const DAY = 86_400;

function positive(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`b24hooks: ${what} must be a number of 0 or more.`);
  return value;
}

function timeout(ms: number, what = 'take the delivery'): { promise: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not ${what} within ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** `work()`, or a rejection once `ms` passed; the command itself stays with ioredis. */
async function bounded<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  const limit = timeout(ms, what);
  try {
    return await Promise.race([work(), limit.promise]);
  } finally {
    limit.cancel();
  }
}

/** A BullMQ queue that `createReceiver({ handoff })` puts verified deliveries in. */
export function createQueue(options: QueueOptions): B24Queue {
  if (options === null || typeof options !== 'object') throw new TypeError('b24hooks: createQueue needs options.');
  const name = options.name ?? 'b24hooks';
  const prefix = options.prefix ?? 'bull';
  const dedupSeconds = positive(options.dedupSeconds, DAY, 'dedupSeconds');
  const enqueueTimeoutMs = positive(options.enqueueTimeoutMs, 2000, 'enqueueTimeoutMs');
  const operationTimeoutMs = positive(options.operationTimeoutMs, 5000, 'operationTimeoutMs');
  const logger = options.logger;
  const { client, owned } = producerClient(options.connection);
  // Without listeners, connection errors would be thrown as unhandled 'error' events.
  client.on('error', () => {});
  const bullmq = new Queue<B24JobData>(name, { connection: client, prefix });
  bullmq.on('error', () => {});
  const journal = options.spill ? createSpillJournal(options.spill.dir, name) : undefined;
  const workers = new Set<Worker<B24JobData>>();
  const keep = { age: options.keepCompleted?.age ?? DAY, count: options.keepCompleted?.count ?? 10_000 };
  let replayTimer: NodeJS.Timeout | undefined;
  let closed = false;

  // Without an offline queue a command sent before the connection is up fails at once, so a
  // delivery waits (within its time limit) for the connection instead.
  let connecting: Promise<void> | undefined;
  function connected(): Promise<void> | undefined {
    if (client.status === 'ready') return undefined;
    connecting ??= new Promise((resolve) =>
      client.once('ready', () => {
        connecting = undefined;
        resolve();
      }),
    );
    return connecting;
  }
  const admission = createAdmission(client, `${prefix}:${name}`, dedupSeconds, connected);

  async function push(entry: SpillEntry, expired: () => boolean = () => false): Promise<void> {
    await connected();
    // Past its time limit the delivery is already in the journal; the replay will bring it.
    if (expired()) return;
    if (!(await admission.admit(entry.id, entry.exact, entry.coalesce))) return;
    if (expired()) return;
    const data = entry.data as B24JobData;
    try {
      await bullmq.add(data.name, data, {
        jobId: entry.id,
        // The worker counts attempts against its own `attempts`; BullMQ only has to keep retrying.
        attempts: JOB_ATTEMPTS_CEILING,
        backoff: { type: 'b24hooks' },
        removeOnComplete: keep,
        removeOnFail: false,
      });
    } catch (error) {
      if (!journal) await admission.revoke(entry.id, entry.exact, entry.coalesce).catch(() => {});
      throw error;
    }
  }

  async function pushInTime(entry: SpillEntry): Promise<void> {
    const limit = timeout(enqueueTimeoutMs);
    let late = false;
    try {
      await Promise.race([push(entry, () => late), limit.promise]);
    } catch (error) {
      late = true;
      throw error;
    } finally {
      limit.cancel();
    }
  }

  function scheduleReplay(delay: number): void {
    if (!journal || closed || replayTimer) return;
    replayTimer = setTimeout(() => {
      replayTimer = undefined;
      void journal.replay(pushInTime).then((done) => {
        if (done) logger?.warn('b24hooks: the spill journal is replayed into Redis', { queue: name });
        else scheduleReplay(Math.min(delay * 2, 2000));
      });
    }, delay);
    replayTimer.unref();
  }

  if (journal) {
    client.on('ready', () => scheduleReplay(50));
    if (journal.pending > 0) scheduleReplay(50);
  }

  async function enqueue(item: B24HandoffItem): Promise<void> {
    if (closed) throw new Error('the queue is closed');
    // Each workflow waits for the answer to its own call (its own event_token): never folded.
    const coalesce = options.coalesce && item.kind === 'event' ? coalesceHash(item) : undefined;
    const entry: SpillEntry = { id: randomUUID(), exact: deliveryHash(item.form), data: jobData(item, coalesce) };
    if (coalesce) entry.coalesce = coalesce;
    // While the journal holds deliveries, new ones queue behind them, so Redis gets them in order.
    if (journal && journal.pending > 0) return spill(entry);
    try {
      await pushInTime(entry);
    } catch (error) {
      if (!journal) throw error;
      logger?.warn('b24hooks: Redis did not take a delivery in time; it went to the spill journal', { queue: name, error: String(error) });
      await spill(entry);
    }
  }

  async function spill(entry: SpillEntry): Promise<void> {
    await journal!.append(entry);
    scheduleReplay(100);
  }

  const queue: B24Queue = {
    name,
    bullmq,
    enqueue,
    work(receiver, workOptions = {}) {
      const worker = startWorker({ name, prefix, connection: options.connection, admission, receiver, runner: handoffRunner(receiver), logger: receiver.logger }, workOptions);
      hideConnection(worker, `B24QueueWorker { queue: '${name}' }`);
      workers.add(worker);
      worker.on('closed', () => workers.delete(worker));
      return worker;
    },
    stats() {
      return bounded(operationTimeoutMs, 'answer queue.stats()', async () => {
        await connected();
        return queueStats(bullmq, admission);
      });
    },
    failed({ limit = 50 } = {}) {
      return bounded(operationTimeoutMs, 'answer queue.failed()', async () => {
        await connected();
        return failedJobs(bullmq, limit);
      });
    },
    retry() {
      // A retry cut short has moved some jobs; running it again moves the rest.
      return bounded(operationTimeoutMs, 'finish queue.retry() (jobs moved so far stay moved)', async () => {
        await connected();
        return retryFailed(bullmq);
      });
    },
    get spilled() {
      return journal?.pending ?? 0;
    },
    async close() {
      closed = true;
      clearTimeout(replayTimer);
      await Promise.all([...workers].map((worker) => worker.close()));
      if (journal && journal.pending > 0 && client.status === 'ready') await journal.replay(pushInTime);
      await journal?.close();
      await bullmq.close();
      if (owned) client.disconnect();
    },
  };
  hideConnection(queue, `B24Queue { name: '${name}', prefix: '${prefix}' }`);
  hideConnection(bullmq, `Queue { name: '${name}' }`);
  return queue;
}

/** The connection options may hold a Redis password: neither inspect nor JSON shows them. */
function hideConnection(target: object, text: string): void {
  Object.defineProperty(target, inspect.custom, { value: () => text, enumerable: false });
  Object.defineProperty(target, 'toJSON', { value: () => text, enumerable: false, configurable: true });
}
