import { parseForm } from '@b24hooks/core';
import { createFakePortal, fakeAnswer, FakePortalError, type FakePortal } from '@b24hooks/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

let portal: FakePortal;
afterEach(() => portal?.close());

/** A server that answers 200 and keeps every body it was posted. */
async function startCollector(): Promise<{ url: string; bodies: string[]; close(): void }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      bodies.push(text);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`, bodies, close: () => server.close() };
}

async function post(url: string, body = '', type = 'application/x-www-form-urlencoded') {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('createFakePortal: the REST wire format over real HTTP', () => {
  it('answers a webhook call with { result, time } and records it', async () => {
    portal = await createFakePortal();
    portal.method('crm.deal.get', (params, context) => ({ ID: params.id, TITLE: 'Deal', by: context.auth.kind }));
    const answer = await post(`${portal.webhookUrl}crm.deal.get.json`, 'id=7');
    expect(answer.status).toBe(200);
    expect(answer.body.result).toEqual({ ID: '7', TITLE: 'Deal', by: 'webhook' });
    expect(answer.body.time).toMatchObject({ start: expect.any(Number), duration: expect.any(Number) });
    expect(portal.calls).toMatchObject([{ method: 'crm.deal.get', params: { id: '7' }, auth: { kind: 'webhook', userId: 1 }, status: 200, inBatch: false }]);
  });

  it('reads parameters from the query string and JSON bodies too', async () => {
    portal = await createFakePortal();
    portal.method('echo.get', (params) => params);
    expect((await post(`${portal.webhookUrl}echo.get?ID=42`)).body.result).toEqual({ ID: '42' });
    expect((await post(`${portal.webhookUrl}echo.get`, JSON.stringify({ filter: { ID: 3 } }), 'application/json')).body.result).toEqual({ filter: { ID: '3' } });
  });

  it('a wrong webhook secret or user is 401 INVALID_CREDENTIALS; an unknown method 404', async () => {
    portal = await createFakePortal();
    expect(await post(`${portal.url}/rest/1/wrong/app.info.json`)).toEqual({ status: 401, body: { error: 'INVALID_CREDENTIALS', error_description: 'Invalid request credentials' } });
    expect((await post(`${portal.url}/rest/2/${portal.webhook.secret}/app.info.json`)).status).toBe(401);
    expect(await post(`${portal.webhookUrl}no.such.json`)).toMatchObject({ status: 404, body: { error: 'ERROR_METHOD_NOT_FOUND' } });
  });

  it('OAuth: auth=<access_token> at /rest/; unknown, missing and expired tokens refused as Bitrix24 does', async () => {
    portal = await createFakePortal();
    const ok = await post(`${portal.clientEndpoint}app.info.json`, `auth=${portal.tokens.accessToken}`);
    expect(ok.body.result).toMatchObject({ CODE: portal.app.clientId, INSTALLED: true });
    expect(portal.calls[0]!.auth).toEqual({ kind: 'oauth', accessToken: portal.tokens.accessToken, userId: 1 });
    expect(portal.calls[0]!.params).toEqual({});
    expect(await post(`${portal.clientEndpoint}app.info.json`, 'auth=nope')).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(await post(`${portal.clientEndpoint}app.info.json`)).toMatchObject({ status: 401, body: { error: 'NO_AUTH_FOUND' } });
    portal.expireTokens();
    expect(await post(`${portal.clientEndpoint}app.info.json`, `auth=${portal.tokens.accessToken}`)).toMatchObject({
      status: 401,
      body: { error: 'expired_token', error_description: 'The access token provided has expired.' },
    });
  });

  it('the OAuth endpoint trades a refresh token (once) for new tokens of this portal', async () => {
    portal = await createFakePortal();
    const old = portal.tokens;
    const body = `grant_type=refresh_token&client_id=${portal.app.clientId}&client_secret=${portal.app.clientSecret}&refresh_token=${old.refreshToken}`;
    const answer = await post(portal.oauthServer, body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ member_id: portal.memberId, domain: portal.domain, client_endpoint: portal.clientEndpoint, access_token: portal.tokens.accessToken, refresh_token: portal.tokens.refreshToken });
    expect(answer.body.access_token).not.toBe(old.accessToken);
    expect(portal.refreshes).toMatchObject([{ grantType: 'refresh_token', clientId: portal.app.clientId, secretInQuery: false, status: 200 }]);
    expect(await post(portal.oauthServer, body)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await post(`${portal.oauthServer}?client_secret=wrong`, body.replace(/&client_secret=[^&]+/, ''))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(portal.refreshes.at(-1)!.secretInQuery).toBe(true);
  });

  it('handler errors become { error, error_description } with their status and extra keys', async () => {
    portal = await createFakePortal();
    portal.method('heavy.list', () => {
      throw new FakePortalError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', 429, { time: { operating_reset_at: 1_900_000_000 } });
    });
    expect(await post(`${portal.webhookUrl}heavy.list`)).toEqual({
      status: 429,
      body: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.', time: { operating_reset_at: 1_900_000_000 } },
    });
    expect(portal.calls[0]).toMatchObject({ status: 429, error: 'OPERATION_TIME_LIMIT' });
  });

  it('listMethod pages by 50 with total/next, and start=-1 gives a page without a count', async () => {
    portal = await createFakePortal({ rateLimit: false });
    portal.listMethod('crm.deal.list', Array.from({ length: 120 }, (_, index) => ({ ID: String(index + 1), TITLE: `Deal ${index + 1}` })));
    const first = await post(`${portal.webhookUrl}crm.deal.list`, 'select[0]=ID');
    expect(first.body).toMatchObject({ total: 120, next: 50 });
    expect(first.body.result).toHaveLength(50);
    expect(first.body.result[0]).toEqual({ ID: '1' });
    const last = await post(`${portal.webhookUrl}crm.deal.list`, 'start=100');
    expect(last.body.result).toHaveLength(20);
    expect(last.body).not.toHaveProperty('next');
    const fast = await post(`${portal.webhookUrl}crm.deal.list`, 'start=-1&order[ID]=ASC&filter[%3EID]=60');
    expect(fast.body).not.toHaveProperty('total');
    expect(fast.body.result[0].ID).toBe('61');
    const paged = await post(`${portal.webhookUrl}paged.list`, '');
    expect(paged.status).toBe(404);
    portal.method('paged.list', () => fakeAnswer({ result: [1], total: 3, next: 1 }));
    expect((await post(`${portal.webhookUrl}paged.list`)).body).toMatchObject({ result: [1], total: 3, next: 1 });
  });

  it('batch runs cmd[key]=method?query in order, resolves $result references, reports errors per key, honours halt', async () => {
    portal = await createFakePortal();
    portal.method('crm.deal.get', (params) => ({ ID: params.id, CONTACT_ID: '9' }));
    portal.method('crm.contact.get', (params) => {
      if (params.id === '0') throw new FakePortalError('NOT_FOUND', 'Not found');
      return { ID: params.id };
    });
    const cmd = (extra: string) =>
      `halt=${extra}&cmd[d]=${encodeURIComponent('crm.deal.get?id=1')}&cmd[bad]=${encodeURIComponent('crm.contact.get?id=0')}&cmd[c]=${encodeURIComponent('crm.contact.get?id=$result[d][CONTACT_ID]')}`;
    const answer = await post(`${portal.webhookUrl}batch`, cmd('0'));
    expect(answer.body.result).toMatchObject({
      result: { d: { ID: '1', CONTACT_ID: '9' }, c: { ID: '9' } },
      result_error: { bad: { error: 'NOT_FOUND', error_description: 'Not found' } },
    });
    expect(portal.calls.map((call) => [call.method, call.inBatch])).toEqual([['batch', false], ['crm.deal.get', true], ['crm.contact.get', true], ['crm.contact.get', true]]);
    const halted = await post(`${portal.webhookUrl}batch`, cmd('1'));
    expect(halted.body.result.result).toEqual({ d: { ID: '1', CONTACT_ID: '9' } });
    expect(Object.keys(halted.body.result.result_error)).toEqual(['bad']);
    const tooMany = Array.from({ length: 51 }, (_, index) => `cmd[k${index}]=app.info`).join('&');
    expect(await post(`${portal.webhookUrl}batch`, tooMany)).toMatchObject({ status: 400, body: { error: 'ERROR_BATCH_LENGTH_EXCEEDED' } });
  });

  it('refuses calls over the leaky bucket with 503 QUERY_LIMIT_EXCEEDED', async () => {
    portal = await createFakePortal({ rateLimit: { burst: 5, perSecond: 1 } });
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(`${portal.webhookUrl}app.info`)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
    expect(answers.filter((answer) => answer.status === 503).map((answer) => answer.body)).toEqual(Array(3).fill({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }));
    expect(portal.rejectedByLimit).toBe(3);
    portal.setRateLimit(false);
    expect((await post(`${portal.webhookUrl}app.info`)).status).toBe(200);
  });

  it('posts PHP-encoded events from this portal to a URL, with or without OAuth tokens', async () => {
    portal = await createFakePortal();
    const { url, bodies, close } = await startCollector();
    try {
      expect((await portal.postEvent(url, 'ONCRMDEALUPDATE', { oauth: false, data: { FIELDS: { ID: 662 } } })).status).toBe(200);
      await portal.postEvent(url, 'ONAPPINSTALL');
    } finally {
      close();
    }
    const webhook = parseForm(bodies[0]!) as any;
    expect(webhook.event).toBe('ONCRMDEALUPDATE');
    expect(webhook.data.FIELDS.ID).toBe('662');
    expect(webhook.auth).toEqual({ domain: portal.domain, client_endpoint: portal.clientEndpoint, server_endpoint: portal.serverEndpoint, member_id: portal.memberId, application_token: portal.applicationToken });
    const install = parseForm(bodies[1]!) as any;
    expect(install.auth).toMatchObject({ access_token: portal.tokens.accessToken, refresh_token: portal.tokens.refreshToken, member_id: portal.memberId });
  });

  it('posts robot calls as Bitrix24 encodes them (no event; workflow_id, event_token, properties, auth)', async () => {
    portal = await createFakePortal();
    const { url, bodies, close } = await startCollector();
    try {
      await portal.postRobotCall(url, { code: 'find_deal', properties: { phone: '+49 30 1234', tries: 3 }, document: ['crm', 'CCrmDocumentDeal', 'DEAL_18'], eventToken: 'evt|find_deal|1', timeoutDuration: 60 });
    } finally {
      close();
    }
    const form = parseForm(bodies[0]!) as any;
    expect(form.event).toBeUndefined();
    expect(form).toMatchObject({
      code: 'find_deal',
      document_id: ['crm', 'CCrmDocumentDeal', 'DEAL_18'],
      document_type: ['crm', 'CCrmDocumentDeal', 'DEAL'],
      event_token: 'evt|find_deal|1',
      properties: { phone: '+49 30 1234', tries: '3' },
      use_subscription: 'Y',
      timeout_duration: '60',
      auth: { member_id: portal.memberId, application_token: portal.applicationToken, access_token: portal.tokens.accessToken },
    });
    expect(form.workflow_id).toMatch(/\S+/);
    expect(Object.keys(form).at(-1)).toBe('auth');
  });

  it('a handler that throws something else answers 500 and is recorded so', async () => {
    portal = await createFakePortal();
    portal.method('broken.get', () => {
      throw new Error('bug in the test handler');
    });
    expect(await post(`${portal.webhookUrl}broken.get`)).toMatchObject({ status: 500, body: { error: 'INTERNAL_SERVER_ERROR' } });
    expect(portal.calls[0]).toMatchObject({ status: 500, error: 'INTERNAL_SERVER_ERROR' });
  });

  it('leaves room for more methods and per-portal state', async () => {
    portal = await createFakePortal({ methods: { 'user.current': () => ({ ID: '1' }) } });
    expect((await post(`${portal.webhookUrl}user.current`)).body.result).toEqual({ ID: '1' });
    portal.state.set('queue', [1, 2]);
    portal.method('EVENT.OFFLINE.GET', (_params, context) => context.portal.state.get('queue'));
    expect((await post(`${portal.webhookUrl}event.offline.get`)).body.result).toEqual([1, 2]);
    expect(() => portal.method('x', undefined as never)).toThrow(TypeError);
  });
});
