import { createMemoryTokenStore, createReceiver } from '@b24hooks/core';
import { buildEventBody, createFakePortal, type FakePortal } from '@b24hooks/testing';
import { createMemoryCredentialStore, verifyInstall } from '@b24hooks/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let portal: FakePortal;
let other: FakePortal;
beforeAll(async () => {
  portal = await createFakePortal({ rateLimit: false });
  other = await createFakePortal({ rateLimit: false, app: { clientId: portal.app.clientId } });
});
afterAll(async () => {
  await portal.close();
  await other.close();
});

function installBody(from: FakePortal, auth: Record<string, string | number | null> = {}, name = 'ONAPPINSTALL') {
  return buildEventBody(name, {
    portal: { domain: from.domain, memberId: from.memberId, clientEndpoint: from.clientEndpoint, serverEndpoint: from.serverEndpoint },
    token: from.applicationToken,
    auth: { ...from.eventAuth(), ...auth },
  });
}

function receiverWith(policy: ReturnType<typeof verifyInstall>) {
  const tokenStore = createMemoryTokenStore();
  return { tokenStore, receiver: createReceiver({ tokenStore, install: policy, logger: { warn() {}, error() {} } as never }) };
}

const post = (body: string) => ({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body });

describe('verifyInstall', () => {
  it('accepts a genuine install (app.info with the delivered token names this app) and the token is stored', async () => {
    const { receiver, tokenStore } = receiverWith(verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain] }));
    const answer = await receiver.handle(post(installBody(portal)));
    expect(answer.status).toBe(200);
    expect(await tokenStore.get(portal.memberId)).toEqual(portal.applicationToken);
    const probe = portal.callsOf('app.info').at(-1)!;
    expect(probe.auth).toMatchObject({ kind: 'oauth', accessToken: portal.tokens.accessToken });
  });

  it('accepts a genuine reinstall that brings a new application token and new OAuth tokens', async () => {
    const { receiver, tokenStore } = receiverWith(verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain] }));
    expect((await receiver.handle(post(installBody(portal)))).status).toBe(200);
    portal.issueTokens();
    const reinstall = installBody(portal, { application_token: 'a-new-application-token-0001' });
    expect((await receiver.handle(post(reinstall))).status).toBe(200);
    expect(await tokenStore.get(portal.memberId)).toEqual('a-new-application-token-0001');
  });

  it('refuses a domain that is not a Bitrix24 portal (and calls nothing there)', async () => {
    const policy = verifyInstall({ clientId: portal.app.clientId });
    const before = portal.calls.length;
    const { receiver } = receiverWith(policy);
    expect((await receiver.handle(post(installBody(portal)))).status).toBe(401);
    expect(portal.calls.length).toBe(before);
  });

  it('refuses a client_endpoint on another host than the delivered domain', async () => {
    const policy = verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain, other.domain] });
    const { receiver } = receiverWith(policy);
    const forged = installBody(portal, { client_endpoint: other.clientEndpoint, access_token: other.tokens.accessToken });
    expect((await receiver.handle(post(forged))).status).toBe(401);
  });

  it('refuses a token of another application, a dead token and an expired one', async () => {
    const wrongApp = receiverWith(verifyInstall({ clientId: 'local.someone.else', domains: [portal.domain] }));
    expect((await wrongApp.receiver.handle(post(installBody(portal)))).status).toBe(401);
    const policy = verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain] });
    const dead = receiverWith(policy);
    expect((await dead.receiver.handle(post(installBody(portal, { access_token: 'dead0000token' })))).status).toBe(401);
    const expiring = await createFakePortal({ rateLimit: false, app: { clientId: portal.app.clientId } });
    try {
      expiring.expireTokens();
      const expired = receiverWith(verifyInstall({ clientId: portal.app.clientId, domains: [expiring.domain] }));
      expect((await expired.receiver.handle(post(installBody(expiring)))).status).toBe(401);
      expect(expiring.refreshes).toEqual([]);
    } finally {
      await expiring.close();
    }
  });

  it('answers false for other events and for installs without an access token', async () => {
    const policy = verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain] });
    const base = { portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint } };
    expect(await policy({ ...base, name: 'ONCRMDEALUPDATE', auth: { accessToken: portal.tokens.accessToken } })).toBe(false);
    expect(await policy({ ...base, name: 'ONAPPINSTALL' })).toBe(false);
    expect(await policy({ ...base, name: 'ONAPPUPDATE', auth: { accessToken: portal.tokens.accessToken } })).toBe(true);
  });

  it('with a credentials store: stores the install\'s tokens, and refuses a member_id stored for another domain', async () => {
    const credentials = createMemoryCredentialStore();
    const policy = verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain, other.domain], credentials });
    const event = (from: FakePortal, memberId = from.memberId) => ({
      name: 'ONAPPINSTALL',
      portal: { domain: from.domain, memberId, clientEndpoint: from.clientEndpoint, serverEndpoint: from.serverEndpoint },
      auth: { accessToken: from.tokens.accessToken, refreshToken: from.tokens.refreshToken },
    });
    expect(await policy(event(portal))).toBe(true);
    expect(await credentials.get(portal.memberId)).toMatchObject({ accessToken: portal.tokens.accessToken, domain: portal.domain });
    // Someone installs the app on their own portal and claims the first portal's member_id.
    expect(await policy(event(other, portal.memberId))).toBe(false);
  });

  it('with app: confirms member_id and domain with the OAuth server, refusing a member_id claimed from another portal', async () => {
    const attacker = await createFakePortal({ rateLimit: false, app: { clientId: portal.app.clientId, clientSecret: portal.app.clientSecret } });
    try {
      const credentials = createMemoryCredentialStore();
      const genuine = verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain], app: portal.app, oauthServer: portal.oauthServer, credentials });
      const install = (from: FakePortal, memberId = from.memberId) => ({
        name: 'ONAPPINSTALL',
        portal: { domain: from.domain, memberId, clientEndpoint: from.clientEndpoint, serverEndpoint: from.serverEndpoint },
        auth: { accessToken: from.tokens.accessToken, refreshToken: from.tokens.refreshToken },
      });
      const before = portal.refreshes.length;
      expect(await genuine(install(portal))).toBe(true);
      expect(portal.refreshes.length - before).toBe(1);
      expect(await credentials.get(portal.memberId)).toMatchObject({ accessToken: portal.tokens.accessToken, refreshToken: portal.tokens.refreshToken });
      // The attacker installed the app on their own portal and claims a portal that has not installed it.
      const victimMemberId = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
      const policy = verifyInstall({ clientId: portal.app.clientId, domains: [attacker.domain], app: portal.app, oauthServer: attacker.oauthServer });
      expect(await policy(install(attacker, victimMemberId))).toBe(false);
      expect(await policy(install(attacker))).toBe(true);
    } finally {
      await attacker.close();
    }
  });

  it('matches domains by RegExp, and refuses domains that only look like Bitrix24', async () => {
    const policy = verifyInstall({ clientId: portal.app.clientId, domains: [/^127\.0\.0\.1:\d+$/] });
    const base = { name: 'ONAPPINSTALL', auth: { accessToken: portal.tokens.accessToken } };
    expect(await policy({ ...base, portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: '' } })).toBe(true);
    const cloud = verifyInstall({ clientId: portal.app.clientId });
    for (const domain of ['bitrix24.com.evil.io', 'evil.io', 'a.b.bitrix24.com.evil', 'x.bitrix24.com@evil.io']) {
      expect(await cloud({ ...base, portal: { domain, memberId: 'm', clientEndpoint: `https://${domain}/rest/`, serverEndpoint: '' } }), domain).toBe(false);
    }
    expect(() => verifyInstall({} as never)).toThrow(TypeError);
  });
});
