import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '@b24hooks/bullmq';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { buildEventBody } from '@b24hooks/testing';
import { dealUpdate, FAST_WORKER, post, receiverWith, sleep, uniqueName, waitFor } from './helpers.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('dedup: an identical re-delivery is enqueued once within dedupSeconds', () => {
  it('enqueues the same delivery once, even with fresh OAuth tokens, and counts the duplicates', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('dedup') });
    const front = receiverWith({ handoff: queue });
    expect((await front.handle(dealUpdate(5))).status).toBe(200);
    expect((await front.handle(dealUpdate(5))).status).toBe(200);
    expect((await front.handle(dealUpdate(5, { auth: { access_token: 'fresh-access', refresh_token: 'fresh-refresh', expires: 1999999999 } }))).status).toBe(200);
    // Another change (or the same one sent again later) is not a duplicate.
    expect((await front.handle(dealUpdate(6))).status).toBe(200);
    expect((await front.handle(dealUpdate(5, { ts: 1743165999 }))).status).toBe(200);
    expect(await queue.stats()).toMatchObject({ waiting: 3, deduplicated: 2 });
    await queue.close();
  });

  it('forgets a delivery after dedupSeconds, and dedupSeconds: 0 turns dedup off', async () => {
    const short = createQueue({ connection: server.url, name: uniqueName('short'), dedupSeconds: 1 });
    const front = receiverWith({ handoff: short });
    await front.handle(dealUpdate(5));
    await front.handle(dealUpdate(5));
    await sleep(1100);
    await front.handle(dealUpdate(5));
    expect(await short.stats()).toMatchObject({ waiting: 2, deduplicated: 1 });
    await short.close();

    const off = createQueue({ connection: server.url, name: uniqueName('off'), dedupSeconds: 0 });
    const plain = receiverWith({ handoff: off });
    await plain.handle(dealUpdate(5));
    await plain.handle(dealUpdate(5));
    expect(await off.stats()).toMatchObject({ waiting: 2, deduplicated: 0 });
    await off.close();
  });
});

describe('coalesce: true', () => {
  it('folds deliveries of one event, portal and data into the job that has not started', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('coalesce'), coalesce: true });
    const front = receiverWith({ handoff: queue });
    // Three updates of deal 5 at different times: one job reads the deal's latest state.
    for (const ts of [1743165001, 1743165002, 1743165003]) expect((await front.handle(dealUpdate(5, { ts }))).status).toBe(200);
    await front.handle(dealUpdate(6, { ts: 1743165004 }));
    await front.handle(post(buildEventBody('ONCRMDEALADD', { data: { FIELDS: { ID: 5 } }, ts: 1743165005 })));
    expect(await queue.stats()).toMatchObject({ waiting: 3, deduplicated: 2 });
    await queue.close();
  });

  it('never folds into a running job: a change arriving while its job runs is processed again', async () => {
    const queue = createQueue({ connection: server.url, name: uniqueName('running'), coalesce: true });
    const front = receiverWith({ handoff: queue });
    await front.handle(dealUpdate(5, { ts: 1743165101 }));

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs: number[] = [];
    const back = receiverWith().on('ONCRMDEALUPDATE', async (event) => {
      runs.push(event.timestamp.getTime() / 1000);
      if (runs.length === 1) await gate;
    });
    const worker = queue.work(back, { worker: FAST_WORKER });
    await waitFor(() => runs.length === 1, 'the first job to start');
    // The deal changes again while the first job is reading it.
    expect((await front.handle(dealUpdate(5, { ts: 1743165102 }))).status).toBe(200);
    expect((await queue.stats()).deduplicated).toBe(0);
    release();
    await waitFor(async () => (await queue.stats()).completed === 2, 'both jobs to complete');
    expect(runs).toEqual([1743165101, 1743165102]);
    await worker.close();
    await queue.close();
  });
});
