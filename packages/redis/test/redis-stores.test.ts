import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, encodeForm } from '@b24hooks/core';
import { createRedisCredentialStore, createRedisTokenStore } from '@b24hooks/redis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
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

describe('createRedisTokenStore behind the receiver', () => {
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

  it('claims a first token atomically: of twenty racing claims exactly one wins', async () => {
    const clients = Array.from({ length: 4 }, () => new Redis(server.url));
    const stores = clients.map((client) => createRedisTokenStore(client, { prefix: 'race:' }));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 4]!.claim('m1', `token-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await stores[0]!.get('m1')).toEqual([`token-${winner}`]);
    expect(await stores[1]!.claim('m1', 'late')).toBe(false);
    await stores[0]!.delete('m1');
    expect(await stores[2]!.claim('m1', 'after-delete')).toBe(true);
    expect(await stores[3]!.get('m1')).toEqual(['after-delete']);
    for (const client of clients) client.disconnect();
  });

  it('deletes with a token only while that token is stored: a reinstall in between keeps its own', async () => {
    const store = createRedisTokenStore(redis, { prefix: 'cad:' });
    await store.set('m1', 'old-token');
    await store.set('m1', 'reinstalled-token');
    await store.delete('m1', 'old-token');
    expect(await store.get('m1')).toEqual(['reinstalled-token']);
    await store.delete('m1', 'reinstalled-token');
    expect(await store.get('m1')).toBeUndefined();
  });

  it('uses b24hooks:token: as the default prefix', async () => {
    await createRedisTokenStore(redis).set('m-default', 't');
    expect(await redis.smembers('b24hooks:token:m-default')).toEqual(['t']);
  });
});

describe('createRedisCredentialStore', () => {
  const credentials = {
    accessToken: 'access-secret',
    refreshToken: 'refresh-secret',
    expiresAt: new Date('2026-12-01T10:00:00.000Z'),
    domain: 'redis.bitrix24.com',
    clientEndpoint: 'https://redis.bitrix24.com/rest/',
    serverEndpoint: 'https://oauth.bitrix.info/rest/',
    memberId: MEMBER,
  };

  it('round-trips credentials with their expiry as a Date, replaces and deletes them', async () => {
    const store = createRedisCredentialStore(redis, { prefix: 'test:cred:' });
    expect(await store.get(MEMBER)).toBeUndefined();
    await store.set(MEMBER, credentials);
    expect(await store.get(MEMBER)).toEqual(credentials);
    expect((await store.get(MEMBER))?.expiresAt).toBeInstanceOf(Date);

    const { refreshToken: _r, expiresAt: _e, ...bare } = credentials;
    await store.set(MEMBER, { ...bare, accessToken: 'next' });
    expect(await store.get(MEMBER)).toEqual({ ...bare, accessToken: 'next' });

    await store.delete(MEMBER);
    expect(await store.get(MEMBER)).toBeUndefined();
    expect(await redis.exists(`test:cred:${MEMBER}`)).toBe(0);
  });

  it('treats an unreadable entry as absent, and the store itself holds no secret to print', async () => {
    const store = createRedisCredentialStore(redis);
    await redis.set('b24hooks:credentials:broken', '{not json');
    expect(await store.get('broken')).toBeUndefined();
    await store.set('shown', credentials);
    expect(inspect(store, { depth: 5 })).not.toContain('secret');
    expect(JSON.stringify(store)).not.toContain('secret');
  });
});
