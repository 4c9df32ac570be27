import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, type B24JobData } from '@b24hooks/bullmq';
import type { B24Event } from '@b24hooks/core';
import { buildEventBody, FIXTURE_TOKEN } from '@b24hooks/testing';
import { freePort, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { dealUpdate, FAST_WORKER, post, receiverWith, sleep, uniqueName, waitFor } from './helpers.js';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe('createReceiver({ handoff: queue })', () => {
  it('answers 200 once the job is in Redis, without any application_token, and a worker runs the handlers', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('handoff') });
    const front = receiverWith({ handoff: queue });
    const inRequest: string[] = [];
    front.on('ONCRMDEALUPDATE', () => void inRequest.push('ran in the request'));

    const before = Date.now();
    const answer = await front.handle(dealUpdate(42));
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
    expect(inRequest).toEqual([]);

    const jobs = await queue.bullmq.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    const stored = await redis.hgetall(`bull:${queue.name}:${jobs[0]!.id}`);
    expect(stored.data).not.toContain(FIXTURE_TOKEN);
    expect(stored.data).not.toContain('application_token');
    const data = jobs[0]!.data as B24JobData;
    expect(data.name).toBe('ONCRMDEALUPDATE');
    expect(jobs[0]!.name).toBe('ONCRMDEALUPDATE');
    expect(Date.parse(data.receivedAt)).toBeGreaterThanOrEqual(before - 5);

    const back = receiverWith();
    const seen: B24Event[] = [];
    back.on('ONCRMDEALUPDATE', (event) => void seen.push(event));
    const worker = queue.work(back, { worker: FAST_WORKER });
    await waitFor(() => seen.length === 1, 'the worker to run the handler');
    expect(seen[0]).toMatchObject({ name: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 42 } } });
    expect(seen[0]!.auth?.accessToken).toBeTruthy();
    expect(seen[0]!.raw.auth).not.toHaveProperty('application_token');
    await worker.close();
    await queue.close();
  });

  it('strips the application_token of every bot and command AUTH copy too', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('bots') });
    const front = receiverWith({ handoff: queue });
    for (const name of ['ONIMBOTMESSAGEADD', 'ONIMCOMMANDADD'] as const) {
      expect((await front.handle(post(buildEventBody(name)))).status).toBe(200);
    }
    const jobs = await queue.bullmq.getJobs(['waiting']);
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      const stored = await redis.hget(`bull:${queue.name}:${job.id}`, 'data');
      expect(stored).toMatch(/"AUTH"|"BOT"|"COMMAND"/);
      expect(stored).not.toContain('application_token');
      expect(stored).not.toContain(FIXTURE_TOKEN);
    }
    await queue.close();
  });

  it('refuses nothing it should not: a forged delivery is 401 and never enqueued', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('forged') });
    const answer = await receiverWith({ handoff: queue }).handle(dealUpdate(1, { token: 'forged-token' }));
    expect(answer.error?.code).toBe('TOKEN_MISMATCH');
    expect((await queue.stats()).waiting).toBe(0);
    await queue.close();
  });

  it('answers 503 HANDOFF_FAILED when Redis does not take the delivery in time, and onError hears it', async () => {
    const queue = createQueue({ connection: `redis://127.0.0.1:${await freePort()}`, name: 'nowhere', enqueueTimeoutMs: 200 });
    const errors: Array<[Error, B24Event | undefined]> = [];
    const front = receiverWith({ handoff: queue }).onError((error, event) => void errors.push([error, event]));
    const started = Date.now();
    const answer = await front.handle(dealUpdate(7));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: { code: 'HANDOFF_FAILED' } });
    expect(JSON.stringify(answer.body)).toMatch(/spill/);
    expect(JSON.stringify(answer.body)).not.toContain(FIXTURE_TOKEN);
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]?.name).toBe('ONCRMDEALUPDATE');
    await queue.close();
  });

  it('rejects stats(), failed() and retry() once operationTimeoutMs passed without Redis, instead of waiting for it', async () => {
    const queue = createQueue({ connection: `redis://127.0.0.1:${await freePort()}`, name: 'nowhere', operationTimeoutMs: 300 });
    for (const [what, operation] of [['stats', () => queue.stats()], ['failed', () => queue.failed()], ['retry', () => queue.retry()]] as const) {
      const started = Date.now();
      await expect(operation()).rejects.toThrow(new RegExp(`Redis did not .*queue\\.${what}\\(\\).* within 300 ms`));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    await queue.close();
    expect(() => createQueue({ connection: server.url, operationTimeoutMs: -1 })).toThrow(/operationTimeoutMs/);
  });

  it('forgets an uninstalled portal where the delivery was verified, not in the worker', async () => {
    const { createMemoryTokenStore } = await import('@b24hooks/core');
    const store = createMemoryTokenStore({ 'member-1': 'portal-token' });
    const queue = createQueue({ connection: server.url, name: uniqueName('uninstall') });
    const front = receiverWith({ token: undefined, tokenStore: store, handoff: queue });
    const body = buildEventBody('ONAPPUNINSTALL', { token: 'portal-token', portal: { memberId: 'member-1' } });
    expect((await front.handle(post(body))).status).toBe(200);
    expect(await store.get('member-1')).toBeUndefined();
    expect((await queue.stats()).waiting).toBe(1);
    await queue.close();
  });

  it('close() of a worker lets the running job finish', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('graceful') });
    await receiverWith({ handoff: queue }).handle(dealUpdate(3));
    let finished = false;
    let started = false;
    const back = receiverWith().on('ONCRMDEALUPDATE', async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    const worker = queue.work(back, { worker: FAST_WORKER });
    await waitFor(() => started, 'the job to start');
    await worker.close();
    expect(finished).toBe(true);
    expect((await queue.stats()).completed).toBe(1);
    await queue.close();
  });
});

describe('secrets of the connection', () => {
  it('neither util.inspect nor JSON.stringify of the queue, its BullMQ queue or a worker shows a Redis password', async () => {
    const { inspect } = await import('node:util');
    const queue = createQueue({ connection: `redis://:hunter2-redis-secret@127.0.0.1:${await freePort()}`, name: 'secretive' });
    const worker = queue.work(receiverWith());
    for (const value of [queue, queue.bullmq, worker]) {
      expect(inspect(value, { depth: 10 })).not.toContain('hunter2');
      expect(JSON.stringify(value)).not.toContain('hunter2');
    }
    expect(inspect(queue)).toBe("B24Queue { name: 'secretive', prefix: 'bull' }");
    await worker.close(true);
    await queue.close();
  });
});
