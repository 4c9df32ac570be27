import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '@b24hooks/bullmq';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { dealUpdate, FAST_WORKER, receiverWith, uniqueName, waitFor } from './helpers.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

const JOBS = 8;

/** Forks a worker process, waits until it runs `jobs` handlers at once, and SIGKILLs it. */
async function killMidHandler(name: string, jobs: number): Promise<void> {
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) throw new Error('run pnpm build first: the forked worker runs the built package');
  const child = fork(fileURLToPath(new URL('./fixtures/hanging-worker.mjs', import.meta.url)), {
    env: { ...process.env, REDIS_URL: server.url, QUEUE_NAME: name },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const started = new Set<number>();
  child.on('message', (message: { started?: number }) => {
    if (message.started !== undefined) started.add(message.started);
  });
  await waitFor(() => started.size === jobs, 'the forked worker to start every job');
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  const [, signal] = await exited;
  expect(signal).toBe('SIGKILL');
}

describe('a worker killed mid-handler loses nothing', () => {
  it('SIGKILLs a worker process in the middle of its handlers; another worker completes every job', async () => {
    const name = uniqueName('kill');
    const queue = createQueue({ connection: server.url, name });
    const front = receiverWith({ handoff: queue });
    for (let id = 1; id <= JOBS; id++) expect((await front.handle(dealUpdate(id))).status).toBe(200);

    await killMidHandler(name, JOBS);
    expect((await queue.stats()).active).toBe(JOBS);

    const finished: number[] = [];
    const rescuer = queue.work(
      receiverWith().on('ONCRMDEALUPDATE', (event) => void finished.push(event.data.FIELDS.ID)),
      { concurrency: 4, worker: FAST_WORKER },
    );
    await waitFor(async () => (await queue.stats()).completed === JOBS, 'the other worker to complete every job');
    expect(finished.sort((a, b) => a - b)).toEqual(Array.from({ length: JOBS }, (_, i) => i + 1));
    expect(await queue.stats()).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: JOBS });
    const jobs = await queue.bullmq.getCompleted();
    expect(jobs.every((job) => job.stalledCounter === 1)).toBe(true);
    console.info(`kill test: ${JOBS} jobs started in the killed worker, ${finished.length} completed by the other, 0 lost`);
    await rescuer.close();
    await queue.close();
  });

  it('past maxStalledCount the job stays failed and onError hears it', async () => {
    const name = uniqueName('stalled');
    const queue = createQueue({ connection: server.url, name });
    await receiverWith({ handoff: queue }).handle(dealUpdate(99));
    await killMidHandler(name, 1);
    const told: Array<[Error, string | undefined]> = [];
    const ran: number[] = [];
    const rescuer = queue.work(
      receiverWith()
        .on('ONCRMDEALUPDATE', (event) => void ran.push(event.data.FIELDS.ID))
        .onError((error, event) => void told.push([error, event?.name])),
      { worker: { ...FAST_WORKER, maxStalledCount: 0 } },
    );
    await waitFor(() => told.length === 1, 'onError to hear of the stalled job');
    expect(told[0]![1]).toBe('ONCRMDEALUPDATE');
    expect(told[0]![0].message).toContain('stalled more than allowable limit');
    expect(ran).toEqual([]);
    expect((await queue.stats()).failed).toBe(1);
    await rescuer.close();
    await queue.close();
  });
});
