import type { BackoffOptions, WorkerOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';

/** A Redis URL (`redis://127.0.0.1:6379`), ioredis options, or an ioredis client. */
export type QueueConnection = string | RedisOptions | Redis;

export interface QueueOptions {
  connection: QueueConnection;
  /** The BullMQ queue name. Default `'b24hooks'`. */
  name?: string;
  /** BullMQ's key prefix. Default `'bull'` (BullMQ's own), so its dashboards find the queue. */
  prefix?: string;
  /** An identical delivery (tokens aside) within this many seconds is enqueued once. Default 86,400 (24 h); 0 turns it off. */
  dedupSeconds?: number;
  /** Fold a delivery into a job of the same event, portal and `data` that has not started yet. Default false. */
  coalesce?: boolean;
  /** Journal deliveries to disk when Redis does not take them within `enqueueTimeoutMs`, and answer 200. */
  spill?: { dir: string };
  /** How long a delivery may wait for Redis before it is spilled (or refused with 503). Default 2,000 ms. */
  enqueueTimeoutMs?: number;
  /**
   * How long `stats()`, `failed()` and `retry()` may wait for Redis before they reject. Default
   * 5,000 ms. ioredis holds commands while it reconnects, so without a bound they would wait for
   * as long as Redis is away.
   */
  operationTimeoutMs?: number;
  /** How long completed jobs stay in Redis (BullMQ's `removeOnComplete`). Default 24 h, at most 10,000 jobs. */
  keepCompleted?: { age?: number; count?: number };
  /** Told about connection trouble and journal replays (never a token). */
  logger?: { warn(message: string, details?: Record<string, unknown>): void; error?(message: string, details?: Record<string, unknown>): void };
}

export interface WorkOptions {
  /** Jobs run at once by this worker. Default 1 (BullMQ's). */
  concurrency?: number;
  /** Attempts before a job stays in the failed set and `onError` hears it. Default 5. */
  attempts?: number;
  /** BullMQ's backoff between attempts. Default `{ type: 'exponential', delay: 1000 }`. */
  backoff?: number | BackoffOptions;
  /** Any other BullMQ `WorkerOptions` (`lockDuration`, `stalledInterval`, `maxStalledCount`, …). */
  worker?: Partial<Omit<WorkerOptions, 'connection' | 'concurrency' | 'prefix'>>;
}

export interface QueueStats {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Deliveries not enqueued because they were duplicates or were coalesced into a waiting job. */
  deduplicated: number;
}

export interface FailedJob {
  id: string;
  /** The event name. */
  name: string;
  memberId: string;
  receivedAt: string;
  attemptsMade: number;
  /** The handlers' error messages (token values in them are replaced by `[redacted]`). */
  failedReason: string;
  failedAt: string | undefined;
}
