import { createFakePortal, type FakePortal } from '@b24hooks/testing';
import { createMemoryCredentialStore, createRestClient, type B24Credentials, type CredentialStore } from '@b24hooks/rest';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let portal: FakePortal;
beforeEach(async () => {
  portal = await createFakePortal({ rateLimit: false });
  portal.method('crm.deal.get', (params) => ({ ID: params.id }));
});
afterEach(() => portal.close());

function eventOf(p: FakePortal) {
  const tokens = p.tokens;
  return {
    portal: { domain: p.domain, memberId: p.memberId, clientEndpoint: p.clientEndpoint, serverEndpoint: p.serverEndpoint },
    auth: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: new Date(tokens.expires * 1000), scope: ['crm'] },
  };
}

function spyStore(): CredentialStore & { sets: B24Credentials[] } {
  const inner = createMemoryCredentialStore();
  const sets: B24Credentials[] = [];
  return { sets, get: (id) => inner.get(id), set: async (id, credentials) => void (sets.push(credentials), await inner.set(id, credentials)), delete: (id) => inner.delete(id) };
}

describe('OAuth refresh on expired_token', () => {
  it('refreshes once for 20 concurrent calls, stores the new tokens, tells onRefresh, repeats every call', async () => {
    const event = eventOf(portal);
    const credentials = spyStore();
    const refreshed: B24Credentials[] = [];
    const b24 = createRestClient({ auth: event, app: portal.app, credentials, oauthServer: portal.oauthServer, onRefresh: (fresh) => void refreshed.push(fresh) });
    await b24.call('crm.deal.get', { id: 0 });
    portal.expireTokens();
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => b24.call('crm.deal.get', { id: index })));
    expect(results.map((result) => result.ID)).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
    expect(portal.refreshes).toHaveLength(1);
    expect(portal.refreshes[0]).toMatchObject({ grantType: 'refresh_token', clientId: portal.app.clientId, secretInQuery: false, status: 200 });
    expect(credentials.sets).toHaveLength(1);
    expect(credentials.sets[0]).toMatchObject({ accessToken: portal.tokens.accessToken, refreshToken: portal.tokens.refreshToken, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint });
    expect(credentials.sets[0]!.expiresAt).toBeInstanceOf(Date);
    expect(refreshed).toHaveLength(1);
    expect(portal.callsOf('crm.deal.get').filter((call) => call.error === 'expired_token').length).toBeGreaterThanOrEqual(1);
    expect(portal.callsOf('crm.deal.get').at(-1)!.auth).toMatchObject({ accessToken: portal.tokens.accessToken });
  });

  it('an access token the portal calls invalid_token is refreshed the same way, once', async () => {
    const event = eventOf(portal);
    const b24 = createRestClient({
      auth: { ...event, auth: { ...event.auth, accessToken: 'not-a-token-of-this-portal' } },
      app: portal.app,
      oauthServer: portal.oauthServer,
    });
    expect(await b24.call('crm.deal.get', { id: 7 })).toMatchObject({ ID: '7' });
    expect(portal.refreshes).toHaveLength(1);
    expect(portal.callsOf('crm.deal.get').map((call) => call.error ?? 'ok')).toEqual(['invalid_token', 'ok']);
  });

  it('a store or onRefresh that fails does not lose the new tokens: the calls go on, the failure is logged', async () => {
    const warnings: string[] = [];
    const broken: CredentialStore = { get: async () => undefined, set: async () => { throw new Error('store down'); }, delete: async () => {} };
    const b24 = createRestClient({
      auth: eventOf(portal), app: portal.app, credentials: broken, oauthServer: portal.oauthServer,
      onRefresh: () => { throw new Error('callback bug'); },
      logger: { warn: (message) => void warnings.push(message) },
    });
    portal.expireTokens();
    await expect(b24.call('crm.deal.get', { id: 1 })).resolves.toEqual({ ID: '1' });
    await expect(b24.call('crm.deal.get', { id: 2 })).resolves.toEqual({ ID: '2' });
    expect(portal.refreshes).toHaveLength(1);
    expect(warnings).toContain('b24hooks: could not store refreshed credentials');
    expect(warnings).toContain('b24hooks: onRefresh threw');
  });

  it('clients made from the same event (one per delivery) share one refresh', async () => {
    const event = eventOf(portal);
    portal.expireTokens();
    const clients = Array.from({ length: 5 }, () => createRestClient({ auth: event, app: portal.app, oauthServer: portal.oauthServer }));
    await Promise.all(clients.map((client, index) => client.call('crm.deal.get', { id: index })));
    expect(portal.refreshes).toHaveLength(1);
    await clients[0]!.call('crm.deal.get', { id: 1 });
    expect(portal.refreshes).toHaveLength(1);
  });

  it('a client from the store picks up tokens another process refreshed, without refreshing again', async () => {
    const credentials = createMemoryCredentialStore();
    const old = eventOf(portal);
    await credentials.set(portal.memberId, { accessToken: old.auth.accessToken, refreshToken: old.auth.refreshToken, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, memberId: portal.memberId });
    const b24 = createRestClient({ memberId: portal.memberId, app: portal.app, credentials, oauthServer: portal.oauthServer });
    await b24.call('crm.deal.get', { id: 1 });
    portal.expireTokens();
    const fresh = portal.issueTokens();
    await credentials.set(portal.memberId, { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, memberId: portal.memberId });
    await expect(b24.call('crm.deal.get', { id: 2 })).resolves.toEqual({ ID: '2' });
    expect(portal.refreshes).toHaveLength(0);
  });

  it('refreshes ahead of time when the stored expiresAt has passed', async () => {
    const event = eventOf(portal);
    event.auth.expiresAt = new Date(Date.now() - 1000);
    const b24 = createRestClient({ auth: event, app: portal.app, oauthServer: portal.oauthServer });
    await b24.call('crm.deal.get', { id: 1 });
    expect(portal.refreshes).toHaveLength(1);
    expect(portal.callsOf('crm.deal.get').filter((call) => call.error)).toEqual([]);
  });

  it('without app, expired_token says what to configure', async () => {
    const b24 = createRestClient({ auth: eventOf(portal) });
    portal.expireTokens();
    const error = (await b24.call('crm.deal.get').catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error.code).toBe('expired_token');
    expect(error.message).toMatch(/app: \{ clientId, clientSecret \}/);
  });

  it('a refused refresh is the OAuth server\'s error, with no secret in it', async () => {
    const event = eventOf(portal);
    const b24 = createRestClient({ auth: event, app: { clientId: portal.app.clientId, clientSecret: 'not-the-client-secret' }, oauthServer: portal.oauthServer });
    portal.expireTokens();
    const error = await b24.call('crm.deal.get').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_client', method: 'crm.deal.get' });
    const shown = inspect(error, { depth: 10 }) + JSON.stringify(error) + String((error as Error).stack);
    for (const secret of ['not-the-client-secret', event.auth.accessToken, event.auth.refreshToken]) expect(shown).not.toContain(secret);
  });

  it('refuses an oauthServer over plain http to a remote host', () => {
    expect(() => createRestClient({ auth: { ...eventOf(portal), portal: { ...eventOf(portal).portal, clientEndpoint: 'http://example.bitrix24.com/rest/' } } })).toThrow(/allowInsecureHttp/);
  });
});
