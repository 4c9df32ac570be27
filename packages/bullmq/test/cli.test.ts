import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '@b24hooks/bullmq';
import { createReceiver } from '@b24hooks/core';
import { buildEventBody, FIXTURE_TOKEN } from '@b24hooks/testing';
import { freePort, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { main } from '../../testing/src/cli/main.js';
import type { CliIO } from '../../testing/src/cli/shared.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    readFile: async () => new Uint8Array(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const post = (id: number) => ({
  method: 'POST',
  contentType: 'application/x-www-form-urlencoded',
  body: buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: id } } }),
});

describe('b24hooks queue stats|failed|retry', () => {
  it('prints the counts, lists the failed jobs and moves them back to waiting', async () => {
    const name = `cli-${process.pid}`;
    const queue = createQueue({ connection: server.url, name });
    const front = createReceiver({ token: FIXTURE_TOKEN, handoff: queue });
    await front.handle(post(1));
    await front.handle(post(1));
    await front.handle(post(2));
    const failing = createReceiver({ token: FIXTURE_TOKEN }).on('ONCRMDEALUPDATE', (event) => {
      if (event.data.FIELDS.ID === 2) throw new Error('deal 2 is locked');
    });
    const worker = queue.work(failing, { attempts: 1, worker: { drainDelay: 1 } });
    for (let i = 0; i < 250 && (await queue.stats()).failed === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await worker.close();

    const stats = await run(['queue', 'stats', '--redis', server.url, '--name', name, '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1, completed: 1, deduplicated: 1 });
    expect((await run(['queue', 'stats', '--redis', server.url, '--name', name])).stdout).toMatch(/^failed\s+1$/m);

    const failed = await run(['queue', 'failed', '--redis', server.url, '--name', name]);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain('ONCRMDEALUPDATE');
    expect(failed.stdout).toContain('deal 2 is locked');
    const [job] = JSON.parse((await run(['queue', 'failed', '--redis', server.url, '--name', name, '--json'])).stdout) as Array<{ name: string; attemptsMade: number }>;
    expect(job).toMatchObject({ name: 'ONCRMDEALUPDATE', attemptsMade: 1 });

    const retried = await run(['queue', 'retry', '--redis', server.url, '--name', name]);
    expect(retried).toMatchObject({ code: 0, stdout: `Moved 1 failed job of ${name} back to waiting.\n` });
    expect(await queue.stats()).toMatchObject({ waiting: 1, failed: 0 });
    expect((await run(['queue', 'failed', '--redis', server.url, '--name', name])).stdout).toBe('No failed jobs.\n');
    await queue.close();
  });

  it('says what is wrong: no action, no --redis, a URL that is not Redis, Redis unreachable (password hidden)', async () => {
    expect(await run(['queue', '--redis', server.url])).toMatchObject({ code: 2, stderr: expect.stringContaining('stats|failed|retry') });
    expect(await run(['queue', 'stats'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--redis is required') });
    expect(await run(['queue', 'stats', '--redis', 'http://127.0.0.1'])).toMatchObject({ code: 2 });
    const down = await run(['queue', 'stats', '--redis', `redis://:hunter2secret@127.0.0.1:${await freePort()}`, '--timeout', '300']);
    expect(down.code).toBe(8);
    expect(down.stderr).toContain('did not answer within 300 ms');
    expect(down.stderr).not.toContain('hunter2secret');
    expect((await run(['queue', '--help'])).stdout).toContain('Usage: b24hooks queue');
  });
});
