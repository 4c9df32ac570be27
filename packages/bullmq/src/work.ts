import { B24HookError, toEvent, toRobotCall, type B24Event, type B24Logger, type B24RobotCall, type HandoffRunner, type Receiver } from '@b24hooks/core';
import { Backoffs, UnrecoverableError, Worker, type BackoffOptions, type Job } from 'bullmq';
import type { Admission } from './admission.js';
import { workerConnection } from './connection.js';
import { secretsOf, type B24JobData } from './job-data.js';
import type { QueueConnection, WorkOptions } from './options.js';

/** Jobs are added with this many attempts; the worker's own `attempts` decides when to stop. */
export const JOB_ATTEMPTS_CEILING = 1_000_000;

/** How long a graceful close waits for Redis once no handler runs any more. */
const CLOSE_GRACE_MS = 2000;

interface WorkerParts {
  name: string;
  prefix: string;
  connection: QueueConnection;
  admission: Admission;
  receiver: Receiver;
  runner: HandoffRunner;
  logger: B24Logger | undefined;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`b24hooks: ${what} must be a whole number of 1 or more.`);
  return value;
}

function failureText(error: unknown): string {
  const cause = error instanceof B24HookError ? error.cause : undefined;
  const inner = cause instanceof AggregateError ? cause.errors : cause instanceof Error ? [cause] : [error];
  return inner.map((cause) => (cause instanceof Error ? cause.message : String(cause))).join('; ');
}

function scrub(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('[redacted]');
  return result;
}

/** The typed call of a robot job, for onError; undefined for an event job or a form that no longer parses. */
function robotCallOf(data: B24JobData): B24RobotCall | undefined {
  if (data.kind !== 'robot') return undefined;
  try {
    return toRobotCall(data.form);
  } catch {
    return undefined;
  }
}

/** A BullMQ worker that rebuilds each job's event (or robot call) and runs the receiver's handlers. */
export function startWorker(parts: WorkerParts, options: WorkOptions): Worker<B24JobData> {
  const attempts = positiveInteger(options.attempts, 5, 'attempts');
  const concurrency = positiveInteger(options.concurrency, 1, 'concurrency');
  const backoff: BackoffOptions = Backoffs.normalize(options.backoff ?? { type: 'exponential', delay: 1000 })!;
  const extra = options.worker ?? {};
  const ownStrategy = extra.settings?.backoffStrategy;

  // Jobs this worker started whose outcome BullMQ has not recorded yet ('completed'/'failed').
  const unsettled = new Set<string>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const changed = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => waiting.push(resolve));
  };

  async function process(job: Job<B24JobData>): Promise<void> {
    running++;
    unsettled.add(job.id!);
    try {
      await processOnce(job);
    } finally {
      running--;
      changed();
    }
  }

  async function processOnce(job: Job<B24JobData>): Promise<void> {
    const data = job.data;
    if (!data || data.v !== 1 || !data.form) throw new UnrecoverableError('b24hooks: this job was not written by @b24hooks/bullmq');
    // From here on the handlers read the portal's current state, so a later delivery of the same
    // change must become a job of its own rather than fold into this one.
    if (data.coalesce) await parts.admission.release(job.id!, data.coalesce);
    const last = job.attemptsMade + 1 >= attempts;
    try {
      if (data.kind === 'robot') {
        // Before the last attempt a failure is neither told to onError nor written to the workflow log.
        await parts.receiver.receiveRobot(toRobotCall(data.form), { report: last });
      } else {
        await parts.runner.run(data.form, { report: last });
      }
    } catch (error) {
      const unusable = error instanceof B24HookError && error.code !== 'HANDLER_FAILED';
      // An event that no longer parses will not parse on a retry either (nor will a robot code
      // this worker has no handler for find one).
      if (unusable) await parts.runner.report(error, undefined, robotCallOf(data));
      const reason = scrub(`${data.name}: ${failureText(error)}`, secretsOf(data.form));
      if (last || unusable) throw new UnrecoverableError(reason);
      throw new Error(reason);
    }
  }

  const worker = new Worker<B24JobData>(parts.name, process, {
    ...extra,
    connection: workerConnection(parts.connection),
    prefix: parts.prefix,
    concurrency,
    settings: {
      ...extra.settings,
      backoffStrategy: (attemptsMade, type, error, job) => {
        if (type === 'b24hooks') return Backoffs.calculate(backoff, attemptsMade, error!, job!, ownStrategy) ?? 0;
        return ownStrategy ? ownStrategy(attemptsMade, type, error, job) : 0;
      },
    },
  });
  // A job whose workers died more than maxStalledCount times (or that started more than
  // maxStartedAttempts times) is failed by BullMQ without reaching the processor: tell onError here.
  worker.on('failed', (job, error) => {
    const data = job?.data;
    if (!job || !data?.form || (!job.deferredFailure && error.message !== 'job started more than allowable limit')) return;
    let event: B24Event | undefined;
    try {
      if (data.kind !== 'robot') event = toEvent(data.form);
    } catch {
      // Reported without the event.
    }
    void parts.runner.report(new Error(`${data.name}: ${error.message} (a worker stopped while running it)`), event, robotCallOf(data));
  });
  const settle = (job: Job | undefined) => {
    if (job?.id && unsettled.delete(job.id)) changed();
  };
  worker.on('completed', settle);
  worker.on('failed', settle);

  // BullMQ's graceful close also waits for Redis, so it never ends while Redis is away. This one
  // stops taking jobs, waits for the running handlers and for BullMQ to record their outcome (or,
  // with Redis gone, a moment more), then closes: a job whose outcome could not be recorded is
  // given to a worker again by the stalled check.
  const close = worker.close.bind(worker);
  let closing: Promise<void> | undefined;
  worker.close = (force = false) => {
    if (force) return close(true);
    closing ??= (async () => {
      await worker.pause(true);
      let timer: NodeJS.Timeout | undefined;
      const grace = until(() => running === 0).then(() => new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))));
      await Promise.race([until(() => unsettled.size === 0), grace]);
      clearTimeout(timer);
      await close(true);
    })();
    return closing;
  };
  worker.on('error', (error) => parts.logger?.error?.('b24hooks: the queue worker lost Redis for a moment', { error: String(error) }));
  return worker;
}
