import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '@b24hooks/bullmq';
import type { B24Event } from '@b24hooks/core';
import { FIXTURE_OAUTH } from '@b24hooks/testing';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { dealUpdate, FAST_WORKER, receiverWith, uniqueName, waitFor } from './helpers.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('queue.work(receiver, options)', () => {
  it('retries a failing handler with backoff, then keeps the job in the failed set and tells onError once', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('retry') });
    await receiverWith({ handoff: queue }).handle(dealUpdate(9));

    const runs: number[] = [];
    const errors: Array<[Error, B24Event | undefined]> = [];
    const back = receiverWith()
      .on('ONCRMDEALUPDATE', () => {
        runs.push(Date.now());
        // A careless handler that puts the access token in its message: BullMQ must not store it.
        throw new Error(`portal said no to ${FIXTURE_OAUTH.accessToken}`);
      })
      .onError((error, event) => void errors.push([error, event]));
    const worker = queue.work(back, { attempts: 3, backoff: { type: 'fixed', delay: 150 }, worker: FAST_WORKER });

    await waitFor(async () => (await queue.stats()).failed === 1, 'the job to fail for good');
    expect(runs).toHaveLength(3);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(140);
    expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(140);
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toMatchObject({ name: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 9 } } });

    const [failed] = await queue.bullmq.getFailed();
    expect(failed!.failedReason).toContain('ONCRMDEALUPDATE: portal said no to [redacted]');
    expect(JSON.stringify(failed!.stacktrace)).not.toContain(FIXTURE_OAUTH.accessToken);
    expect(await queue.stats()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 1, completed: 0 });

    // Fixed now: retry() brings it back with fresh attempts and it completes.
    await worker.close();
    let fixed = 0;
    const healed = queue.work(receiverWith().on('ONCRMDEALUPDATE', () => void fixed++), { worker: FAST_WORKER });
    expect(await queue.retry()).toBe(1);
    await waitFor(async () => (await queue.stats()).completed === 1, 'the retried job to complete');
    expect(fixed).toBe(1);
    expect((await queue.stats()).failed).toBe(0);
    await healed.close();
    await queue.close();
  });

  it('succeeds on a later attempt without telling onError', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('flaky') });
    await receiverWith({ handoff: queue }).handle(dealUpdate(10));
    let calls = 0;
    const errors: Error[] = [];
    const back = receiverWith()
      .on('ONCRMDEALUPDATE', () => {
        if (++calls < 3) throw new Error('portal busy');
      })
      .onError((error) => void errors.push(error));
    const worker = queue.work(back, { concurrency: 2, backoff: 20, worker: FAST_WORKER });
    await waitFor(async () => (await queue.stats()).completed === 1, 'the job to complete');
    expect(calls).toBe(3);
    expect(errors).toEqual([]);
    await worker.close();
    await queue.close();
  });

  it('rejects nonsense options with a TypeError that says what is expected', () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('options') });
    expect(() => queue.work(receiverWith(), { attempts: 0 })).toThrow(/attempts must be a whole number/);
    expect(() => createQueue({ connection: server.url, dedupSeconds: -1 })).toThrow(/dedupSeconds/);
    expect(() => queue.work({} as never)).toThrow(/receiver made by createReceiver/);
    return queue.close();
  });
});
