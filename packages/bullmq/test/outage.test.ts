import { fork } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '@b24hooks/bullmq';
import { FIXTURE_TOKEN } from '@b24hooks/testing';
import { freePort, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { dealUpdate, receiverWith, sleep, tempDir, uniqueName, waitFor } from './helpers.js';

let server: RedisServer;
let proxy: TcpProxy;
beforeAll(async () => {
  server = await startRedisServer();
  proxy = await startTcpProxy(server.port);
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('Redis outage with spill: { dir }', () => {
  it('answers 200 through a cut connection and a frozen server, and every answered delivery is processed once', async () => {
    const spill = tempDir();
    const queue = createQueue({ connection: proxy.url, name: uniqueName('outage'), spill: { dir: spill.dir }, enqueueTimeoutMs: 300 });
    const front = receiverWith({ handoff: queue });
    const processed = new Map<number, number>();
    // A job BullMQ moved to active just as the connection dropped never reaches the worker: it
    // waits for the stalled check (lockDuration + stalledInterval, up to a minute by default). The
    // lock stays longer than each outage, so no running job is taken for stalled.
    const worker = queue.work(
      receiverWith().on('ONCRMDEALUPDATE', (event) => void processed.set(event.data.FIELDS.ID, (processed.get(event.data.FIELDS.ID) ?? 0) + 1)),
      { concurrency: 4, worker: { drainDelay: 1, lockDuration: 8000, stalledInterval: 1000 } },
    );

    const answers = new Map<number, number>();
    let next = 0;
    let sending = true;
    // Ten concurrent senders, like Bitrix24's delivery queue would be.
    const senders = Array.from({ length: 10 }, async () => {
      while (sending) {
        const id = ++next;
        answers.set(id, (await front.handle(dealUpdate(id))).status);
        await sleep(5);
      }
    });
    await sleep(500);
    await proxy.cut(); // connections dropped, new ones refused
    await sleep(3000);
    const spilledDuringCut = queue.spilled;
    await proxy.restore();
    await sleep(1000);
    server.freeze(); // connections open, nothing answers
    await sleep(2000);
    server.thaw();
    await sleep(700);
    sending = false;
    await Promise.all(senders);

    const ok = [...answers].filter(([, status]) => status === 200).map(([id]) => id);
    // A completion the outage cut is retried after BullMQ's runRetryDelay (15 s).
    try {
      await waitFor(() => ok.every((id) => processed.has(id)), 'every answered delivery to be processed', 30_000);
    } catch (error) {
      const missing = ok.filter((id) => !processed.has(id));
      throw new Error(`${String(error)}: ${missing.length} missing (first ${missing.slice(0, 5).join(', ')}), ${queue.spilled} still journaled, ${JSON.stringify(await queue.stats())}`);
    }
    await waitFor(() => queue.spilled === 0, 'the journal to drain');
    const twice = [...processed].filter(([, count]) => count > 1).length;
    const recovered = (await queue.bullmq.getCompleted(0, -1)).filter((job) => job.stalledCounter > 0).length;
    console.info(
      `outage test: ${answers.size} deliveries, ${ok.length} answered 200, ${answers.size - ok.length} refused, ` +
        `${spilledDuringCut} journaled during the 3 s cut, ${processed.size} processed, ${twice} processed twice, ` +
        `${recovered} stranded in active by the cut and recovered by the stalled check`,
    );
    expect(ok.length).toBe(answers.size);
    expect(spilledDuringCut).toBeGreaterThan(0);
    expect(processed.size).toBe(ok.length);
    expect(twice).toBe(0);
    expect(readdirSync(spill.dir)).toEqual([]);
    await worker.close();
    await queue.close();
    spill.remove();
  }, 60_000);

  it('a receiving process SIGKILLed with deliveries only in its journal: a queue on the same dir enqueues them on start', async () => {
    const spill = tempDir();
    const name = uniqueName('crash');
    const child = fork(fileURLToPath(new URL('./fixtures/spilling-receiver.mjs', import.meta.url)), {
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, QUEUE_NAME: name, SPILL_DIR: spill.dir, TOKEN: FIXTURE_TOKEN },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await once(child, 'message');
    child.send({ bodies: [1, 2, 3, 4, 5].map((id) => dealUpdate(id).body) });
    const [reply] = (await once(child, 'message')) as [{ statuses: number[]; spilled: number }];
    expect(reply).toEqual({ statuses: [200, 200, 200, 200, 200], spilled: 5 });
    child.kill('SIGKILL');
    await once(child, 'exit');
    const files = readdirSync(spill.dir);
    expect(files).toHaveLength(1);
    // A write the crash cut short was never answered 200: the replay skips it.
    appendFileSync(join(spill.dir, files[0]!), '{"id":"torn-by-the-cr');

    const queue = createQueue({ connection: server.url, name, spill: { dir: spill.dir } });
    await waitFor(async () => (await queue.stats()).waiting === 5, 'the journal to be replayed');
    await waitFor(() => readdirSync(spill.dir).length === 0, 'the journal file to go');
    const ids = (await queue.bullmq.getWaiting()).map((job) => job.data.form.data);
    expect(ids).toHaveLength(5);
    expect(JSON.stringify(ids)).not.toContain(FIXTURE_TOKEN);
    await queue.close();
    spill.remove();
  });

  it('Redis killed and started again (empty): what was journaled while it was down reaches the new server', async () => {
    const own = await startRedisServer();
    const spill = tempDir();
    const queue = createQueue({ connection: own.url, name: uniqueName('restart'), spill: { dir: spill.dir }, enqueueTimeoutMs: 300 });
    const front = receiverWith({ handoff: queue });
    expect((await front.handle(dealUpdate(1))).status).toBe(200);
    await own.stop();
    for (const id of [2, 3, 4]) expect((await front.handle(dealUpdate(id))).status).toBe(200);
    expect(queue.spilled).toBe(3);
    await own.start();
    await waitFor(async () => queue.spilled === 0 && (await queue.stats()).waiting === 3, 'the journal to reach the restarted server');
    expect(readdirSync(spill.dir)).toEqual([]);
    await queue.close();
    await own.stop();
    spill.remove();
  });

  it('worker.close() ends while Redis is away: the running handler finishes, then the worker stops', async () => {
    const queue = createQueue({ connection: proxy.url, name: uniqueName('close') });
    await receiverWith({ handoff: queue }).handle(dealUpdate(1));
    let started = false;
    let finished = false;
    const worker = queue.work(
      receiverWith().on('ONCRMDEALUPDATE', async () => {
        started = true;
        await sleep(300);
        finished = true;
      }),
      { worker: { drainDelay: 1 } },
    );
    await waitFor(() => started, 'the job to start');
    await proxy.cut();
    const closing = Date.now();
    await worker.close();
    expect(finished).toBe(true);
    expect(Date.now() - closing).toBeLessThan(5000);
    await proxy.restore();
    await queue.close();
  });

  it('without spill, a delivery Redis cannot take in time is 503', async () => {
    const queue = createQueue({ connection: proxy.url, name: uniqueName('nospill'), enqueueTimeoutMs: 200 });
    const front = receiverWith({ handoff: queue });
    expect((await front.handle(dealUpdate(1))).status).toBe(200);
    await proxy.cut();
    expect((await front.handle(dealUpdate(2))).body).toMatchObject({ error: { code: 'HANDOFF_FAILED' } });
    await proxy.restore();
    await queue.close();
  });
});
