import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, encodeForm } from '@b24hooks/core';
import { createRedisTokenStore } from '../src/store.js';

// A real redis-server on loopback, started for this file (.ci/run installs Debian's redis-server).
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitUntilListening(port: number, exited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exited()) throw new Error('redis-server exited at start; is it installed (apt-get install redis-server)?');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within 5 s`);
}

let server: ChildProcess;
let redis: Redis;

beforeAll(async () => {
  const port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let exited = false;
  server.once('error', () => (exited = true));
  server.once('exit', () => (exited = true));
  await waitUntilListening(port, () => exited);
  redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  redis?.disconnect();
  server?.kill();
});

const MEMBER = 'redis-portal-member-id';
const auth = (token: string) => ({
  domain: 'redis.bitrix24.com',
  client_endpoint: 'https://redis.bitrix24.com/rest/',
  server_endpoint: 'https://oauth.bitrix.info/rest/',
  member_id: MEMBER,
  application_token: token,
});
const body = (event: string, token: string, data: object) => encodeForm({ event, data, ts: 1743165490, auth: auth(token) });
const post = (text: string) => ({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: text });

describe('a Redis token store behind the receiver', () => {
  it('stores an install, verifies against it, rotates, and forgets an uninstall', async () => {
    const store = createRedisTokenStore(redis, { prefix: 'test:token:' });
    const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use' });

    const installed = await receiver.handle(post(body('ONAPPINSTALL', 'first-token', { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' })));
    expect(installed.status).toBe(200);
    expect(await redis.smembers(`test:token:${MEMBER}`)).toEqual(['first-token']);

    expect((await receiver.handle(post(body('ONCRMDEALUPDATE', 'first-token', { FIELDS: { ID: '5' } })))).status).toBe(200);
    expect((await receiver.handle(post(body('ONCRMDEALUPDATE', 'forged', { FIELDS: { ID: '5' } })))).error?.code).toBe('TOKEN_MISMATCH');

    await redis.sadd(`test:token:${MEMBER}`, 'second-token');
    expect((await receiver.handle(post(body('ONCRMDEALUPDATE', 'second-token', { FIELDS: { ID: '5' } })))).status).toBe(200);
    expect((await receiver.handle(post(body('ONCRMDEALUPDATE', 'first-token', { FIELDS: { ID: '5' } })))).status).toBe(200);

    expect((await receiver.handle(post(body('ONAPPUNINSTALL', 'first-token', { LANGUAGE_ID: 'en', CLEAN: '0' })))).status).toBe(200);
    expect(await redis.exists(`test:token:${MEMBER}`)).toBe(0);
    expect((await receiver.handle(post(body('ONCRMDEALUPDATE', 'first-token', { FIELDS: { ID: '5' } })))).error?.code).toBe('UNKNOWN_PORTAL');
  });
});
