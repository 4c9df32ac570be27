import { createFakePortal, FakePortalError, type FakePortal } from '@b24hooks/testing';
import { createRestClient, isReadMethod } from '@b24hooks/rest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

let portal: FakePortal | undefined;
let server: Server | undefined;
afterEach(async () => {
  await portal?.close();
  server?.close();
  portal = server = undefined;
});

describe('limits the way the portal enforces them', () => {
  it('a 200-call burst never lets QUERY_LIMIT_EXCEEDED reach a caller', async () => {
    const limit = { burst: 50, perSecond: 100 };
    portal = await createFakePortal({ rateLimit: limit });
    portal.method('crm.deal.get', (params) => ({ ID: params.id }));
    const b24 = createRestClient({ webhook: portal.webhookUrl, rateLimit: limit, retryDelayMs: 20 });
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, index) => b24.call('crm.deal.get', { id: index })));
    const elapsed = (Date.now() - started) / 1000;
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    // 150 calls over the burst at 100 per second: at least 1.5 s, so the client did pace itself.
    expect(elapsed).toBeGreaterThan(1.4);
    expect(portal.callsOf('crm.deal.get').filter((call) => call.status === 200)).toHaveLength(200);
  });

  it('without a client-side bucket, refusals are retried with backoff until they pass', async () => {
    portal = await createFakePortal({ rateLimit: { burst: 3, perSecond: 20 } });
    const b24 = createRestClient({ webhook: portal.webhookUrl, rateLimit: false, retries: 6, retryDelayMs: 50 });
    const results = await Promise.all(Array.from({ length: 8 }, () => b24.call('app.info')));
    expect(results).toHaveLength(8);
    expect(portal.rejectedByLimit).toBeGreaterThan(0);
  });

  it('gives up after `retries` and throws the portal\'s error', async () => {
    portal = await createFakePortal({ rateLimit: false });
    portal.method('busy.get', () => {
      throw new FakePortalError('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503);
    });
    const b24 = createRestClient({ webhook: portal.webhookUrl, retries: 2, retryDelayMs: 10 });
    await expect(b24.call('busy.get')).rejects.toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', status: 503 });
    expect(portal.callsOf('busy.get')).toHaveLength(3);
  });

  it('OPERATION_TIME_LIMIT is retried, not before time.operating_reset_at', async () => {
    portal = await createFakePortal({ rateLimit: false });
    const resetAt = Math.ceil(Date.now() / 1000) + 1;
    let first = true;
    portal.method('heavy.list', () => {
      if (first) {
        first = false;
        throw new FakePortalError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', 429, { time: { operating_reset_at: resetAt } });
      }
      return [];
    });
    const b24 = createRestClient({ webhook: portal.webhookUrl, retryDelayMs: 10 });
    await expect(b24.call('heavy.list')).resolves.toEqual([]);
    const [, retry] = portal.callsOf('heavy.list');
    expect(retry!.at.getTime()).toBeGreaterThanOrEqual(resetAt * 1000);
  });

  it('an operating limit that resets later than maxRetryWaitMs is thrown at once, with retryAt', async () => {
    portal = await createFakePortal({ rateLimit: false });
    const resetAt = Math.floor(Date.now() / 1000) + 600;
    portal.method('heavy.list', () => {
      throw new FakePortalError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', 429, { time: { operating_reset_at: resetAt } });
    });
    const b24 = createRestClient({ webhook: portal.webhookUrl, maxRetryWaitMs: 5_000 });
    const error = await b24.call('heavy.list').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'OPERATION_TIME_LIMIT', status: 429, retryAt: new Date(resetAt * 1000) });
  });
});

describe('network failures are retried only for reads', () => {
  it('a read is repeated after a dropped connection; a write is not (it may have run)', async () => {
    const seen: string[] = [];
    server = createServer((req, res) => {
      const method = req.url!.split('/').at(-1)!;
      seen.push(method);
      if (seen.filter((name) => name === method).length === 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { ok: method }, time: {} }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/1/secret123/`;
    const b24 = createRestClient({ webhook, retryDelayMs: 10 });
    await expect(b24.call('crm.deal.get', { id: 1 })).resolves.toEqual({ ok: 'crm.deal.get.json' });
    await expect(b24.call('crm.deal.add', { fields: { TITLE: 'x' } })).rejects.toMatchObject({ code: 'NETWORK_ERROR', method: 'crm.deal.add' });
    expect(seen).toEqual(['crm.deal.get.json', 'crm.deal.get.json', 'crm.deal.add.json']);
  });

  it('knows read methods by name', () => {
    for (const name of ['crm.deal.get', 'crm.deal.list', 'crm.deal.fields', 'app.info', 'user.current', 'server.time']) expect(isReadMethod(name), name).toBe(true);
    for (const name of ['crm.deal.add', 'crm.deal.update', 'crm.deal.delete', 'bizproc.event.send', 'event.offline.get', 'batch']) expect(isReadMethod(name), name).toBe(false);
  });
});
