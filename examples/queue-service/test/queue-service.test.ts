import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventBody, FIXTURE_TOKEN } from '@b24hooks/testing';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

let server: RedisServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.stop();
});

/** Starts one of the example's processes; resolves once it printed a line matching `ready`. */
async function start(script: string, ready: RegExp, env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string; line: RegExpMatchArray }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../${script}`, import.meta.url))], {
    env: { ...process.env, ...env, REDIS_URL: server.url, QUEUE_NAME: `example-${process.pid}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const until = Date.now() + 10_000;
  for (;;) {
    const line = output.match(ready);
    if (line) return { child, output: () => output, line };
    if (child.exitCode !== null || Date.now() > until) throw new Error(`${script} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('examples/queue-service: a receiving process and a worker process', () => {
  it('the receiver answers 200 once Redis has the delivery; the worker, started later, runs the handler', async () => {
    const receiver = await start('receiver.js', /listening at (\S+)/, { B24_APP_TOKEN: FIXTURE_TOKEN, PORT: '0' });
    const url = receiver.line[1]!;
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 314 } } }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
    const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: buildEventBody('ONCRMDEALUPDATE', { token: 'forged' }) });
    expect(forged.status).toBe(401);

    const worker = await start('worker.js', /worker: deal 314 changed on \S+/, { B24_APP_TOKEN: FIXTURE_TOKEN });
    expect(worker.output()).not.toContain(FIXTURE_TOKEN);

    for (const child of [receiver.child, worker.child]) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    }
  });
});
