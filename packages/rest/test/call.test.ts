import { createFakePortal, FakePortalError, type FakePortal } from '@b24hooks/testing';
import { createMemoryCredentialStore, createRestClient, B24RestError, type B24Credentials } from '@b24hooks/rest';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let portal: FakePortal;
beforeAll(async () => {
  portal = await createFakePortal({ rateLimit: false });
  portal.method('crm.contact.get', (params) => ({ ID: params.ID ?? params.id, NAME: 'Anna' }));
  portal.method('crm.deal.update', (params) => {
    if (params.id === '404') throw new FakePortalError('NOT_FOUND', 'Not found');
    return true;
  });
  portal.method('weird.fail', () => {
    throw new FakePortalError('', 'Something went wrong without a code', 400);
  });
});
afterAll(() => portal.close());

function credentialsOf(p: FakePortal): B24Credentials {
  return { ...p.tokens, expiresAt: new Date(p.tokens.expires * 1000), domain: p.domain, clientEndpoint: p.clientEndpoint, serverEndpoint: p.serverEndpoint, memberId: p.memberId };
}

describe('call through an incoming webhook URL', () => {
  it('POSTs PHP-encoded params to <base><method>.json and resolves with the result', async () => {
    const b24 = createRestClient({ webhook: portal.webhookUrl });
    await expect(b24.call('crm.contact.get', { ID: 42 })).resolves.toEqual({ ID: '42', NAME: 'Anna' });
    const recorded = portal.callsOf('crm.contact.get').at(-1)!;
    expect(recorded.auth).toEqual({ kind: 'webhook', userId: 1 });
    expect(recorded.params).toEqual({ ID: '42' });
  });

  it('accepts the URL with a trailing method and .json, and without a trailing slash before it', async () => {
    for (const url of [`${portal.webhookUrl}crm.contact.get.json`, `${portal.webhookUrl}crm.contact.get`, portal.webhookUrl.slice(0, -1)]) {
      const b24 = createRestClient({ webhook: url });
      await expect(b24.call('crm.contact.get', { ID: 7 })).resolves.toMatchObject({ ID: '7' });
    }
  });

  it('encodes nested params as PHP does', async () => {
    const b24 = createRestClient({ webhook: portal.webhookUrl });
    await b24.call('crm.contact.get', { ID: 1, filter: { '>OPPORTUNITY': 0, STAGE_ID: ['NEW', 'WON'], '>DATE_CREATE': new Date(Date.UTC(2026, 0, 2)) }, flag: true, skip: null });
    expect(portal.callsOf('crm.contact.get').at(-1)!.params).toEqual({ ID: '1', filter: { '>OPPORTUNITY': '0', STAGE_ID: ['NEW', 'WON'], '>DATE_CREATE': '2026-01-02T00:00:00.000Z' }, flag: '1' });
  });

  it('callRaw gives result and time', async () => {
    const b24 = createRestClient({ webhook: portal.webhookUrl });
    const raw = await b24.callRaw('crm.contact.get', { ID: 3 });
    expect(raw.result).toMatchObject({ ID: '3' });
    expect(raw.time).toHaveProperty('duration');
  });

  it('refuses URLs that are not incoming webhooks, without echoing the secret', () => {
    const secret = 'zz9plural7alpha';
    for (const url of [
      `https://example.bitrix24.com/rest/${secret}/`,
      `https://example.bitrix24.com/api/1/${secret}/`,
      `https://example.bitrix24.com/rest/x/${secret}/`,
      `https://example.bitrix24.com/rest/1/${secret}/a/b/c`,
      `ftp://example.bitrix24.com/rest/1/${secret}/`,
      `http://example.bitrix24.com/rest/1/${secret}/`,
      `not a url ${secret}`,
    ]) {
      let caught: unknown;
      try {
        createRestClient({ webhook: url });
      } catch (error) {
        caught = error;
      }
      expect(caught, url).toBeInstanceOf(TypeError);
      expect(String((caught as Error).message)).not.toContain(secret);
    }
  });

  it('allows plain http to other hosts only with allowInsecureHttp', () => {
    expect(() => createRestClient({ webhook: 'http://example.bitrix24.com/rest/1/abcdef123/' })).toThrow(/allowInsecureHttp/);
    expect(() => createRestClient({ webhook: 'http://example.bitrix24.com/rest/1/abcdef123/', allowInsecureHttp: true })).not.toThrow();
  });

  it('a wrong secret is the portal\'s 401, and the error does not show the secret', async () => {
    const wrong = portal.webhookUrl.replace(portal.webhook.secret, 'wrongsecret99');
    const error = await createRestClient({ webhook: wrong }).call('crm.contact.get').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(B24RestError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401, method: 'crm.contact.get' });
    expect(inspect(error, { depth: 5 }) + JSON.stringify(error)).not.toContain('wrongsecret99');
  });
});

describe('errors', () => {
  const b24 = () => createRestClient({ webhook: portal.webhookUrl });
  it('maps { error, error_description } to B24RestError', async () => {
    await expect(b24().call('crm.deal.update', { id: 404 })).rejects.toMatchObject({ name: 'B24RestError', code: 'NOT_FOUND', description: 'Not found', status: 400, method: 'crm.deal.update' });
  });
  it('keeps error_description when error is empty', async () => {
    const error = (await b24().call('weird.fail').catch((caught: unknown) => caught)) as B24RestError;
    expect(error.code).toBe('');
    expect(error.description).toBe('Something went wrong without a code');
    expect(error.message).toContain('Something went wrong without a code');
  });
  it('an unknown method is ERROR_METHOD_NOT_FOUND', async () => {
    await expect(b24().call('no.such.method')).rejects.toMatchObject({ code: 'ERROR_METHOD_NOT_FOUND', status: 404 });
  });
  it('refuses a method name that is not one', async () => {
    await expect(b24().call('../../evil')).rejects.toBeInstanceOf(TypeError);
  });
  it('a server that is gone is NETWORK_ERROR; a silent one TIMEOUT', async () => {
    const gone = await createFakePortal();
    const url = gone.webhookUrl;
    await gone.close();
    const failure = (await createRestClient({ webhook: url, retries: 0 }).call('crm.contact.get').catch((caught: unknown) => caught)) as B24RestError;
    expect(failure).toMatchObject({ code: 'NETWORK_ERROR', method: 'crm.contact.get' });
    expect(inspect(failure, { depth: 10 })).not.toContain(gone.webhook.secret);

    portal.method('slow.get', () => new Promise((resolve) => setTimeout(() => resolve(1), 1000)));
    const slow = (await createRestClient({ webhook: portal.webhookUrl, timeoutMs: 100, retries: 0 }).call('slow.get').catch((caught: unknown) => caught)) as B24RestError;
    expect(slow).toMatchObject({ code: 'TIMEOUT', method: 'slow.get' });
  });
});

describe('call as an application (OAuth)', () => {
  it('sends auth=<access_token> to the event\'s client_endpoint', async () => {
    const event = { portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint }, auth: { accessToken: portal.tokens.accessToken, refreshToken: portal.tokens.refreshToken } };
    const b24 = createRestClient({ auth: event });
    await expect(b24.call('crm.contact.get', { ID: 5 })).resolves.toMatchObject({ ID: '5' });
    const recorded = portal.callsOf('crm.contact.get').at(-1)!;
    expect(recorded.auth).toEqual({ kind: 'oauth', accessToken: portal.tokens.accessToken, userId: 1 });
    expect(recorded.params).not.toHaveProperty('auth');
  });

  it('reads a stored portal by memberId', async () => {
    const credentials = createMemoryCredentialStore([[portal.memberId, credentialsOf(portal)]]);
    const b24 = createRestClient({ memberId: portal.memberId, credentials });
    await expect(b24.call('crm.contact.get', { ID: 6 })).resolves.toMatchObject({ ID: '6' });
  });

  it('an unknown token is invalid_token; a store without the portal is NO_CREDENTIALS', async () => {
    const event = { portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint }, auth: { accessToken: 'forged-token-1234' } };
    await expect(createRestClient({ auth: event }).call('crm.contact.get')).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
    await expect(createRestClient({ memberId: 'nobody', credentials: createMemoryCredentialStore() }).call('crm.contact.get')).rejects.toMatchObject({ code: 'NO_CREDENTIALS' });
  });

  it('an event without tokens and no store is a TypeError that says what to pass', () => {
    const event = { portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint } };
    expect(() => createRestClient({ auth: event })).toThrow(/credentials/);
  });
});
