/**
 * An application as a user builds it: Express with b24hooks, installs trusted by verifyInstall,
 * handlers that call the portal back with createRestFactory. The fake portal posts the events and
 * answers the calls, all over real HTTP.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryTokenStore, createReceiver } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import { createFakePortal, type FakePortal } from '@b24hooks/testing';
import { createMemoryCredentialStore, createRestFactory, verifyInstall } from '@b24hooks/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let portal: FakePortal;
let server: Server;
let url: string;
const credentials = createMemoryCredentialStore();
const tokenStore = createMemoryTokenStore();
const read: unknown[] = [];

beforeAll(async () => {
  portal = await createFakePortal({ rateLimit: false });
  portal.method('crm.deal.get', (params) => ({ ID: params.id, TITLE: 'Kitchen renovation' }));
  const rest = createRestFactory({ app: portal.app, credentials, oauthServer: portal.oauthServer });
  const receiver = createReceiver({
    tokenStore,
    install: verifyInstall({ clientId: portal.app.clientId, domains: [portal.domain], credentials }),
    logger: { warn() {}, error() {} },
  });
  receiver.on('ONCRMDEALUPDATE', async (event) => {
    read.push(await rest(event).call('crm.deal.get', { id: event.data.FIELDS.ID }));
  });
  const app = express();
  app.post('/b24', b24hooks(receiver));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`;
});
afterAll(async () => {
  server.close();
  await portal.close();
});

describe('an Express application on the fake portal', () => {
  it('refuses an install carrying a dead token, then accepts the genuine one and stores its tokens', async () => {
    expect((await portal.postEvent(url, 'ONAPPINSTALL', { auth: { access_token: 'dead-token-0000' } })).status).toBe(401);
    expect(await tokenStore.get(portal.memberId)).toBeUndefined();
    expect((await portal.postEvent(url, 'ONAPPINSTALL')).status).toBe(200);
    expect(await tokenStore.get(portal.memberId)).toBe(portal.applicationToken);
    expect(await credentials.get(portal.memberId)).toMatchObject({ accessToken: portal.tokens.accessToken, domain: portal.domain });
  });

  it('reads the deal back with the event\'s tokens, refreshing them once they expired', async () => {
    expect((await portal.postEvent(url, 'ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } })).status).toBe(200);
    const stale = portal.tokens;
    portal.expireTokens();
    expect((await portal.postEvent(url, 'ONCRMDEALUPDATE', { data: { FIELDS: { ID: 663 } } })).status).toBe(200);
    expect(read).toEqual([{ ID: '662', TITLE: 'Kitchen renovation' }, { ID: '663', TITLE: 'Kitchen renovation' }]);
    expect(portal.refreshes).toHaveLength(1);
    expect((await credentials.get(portal.memberId))!.accessToken).not.toBe(stale.accessToken);
  });

  it('an outgoing-webhook delivery (no tokens) is served from the stored credentials', async () => {
    expect((await portal.postEvent(url, 'ONCRMDEALUPDATE', { oauth: false, data: { FIELDS: { ID: 664 } } })).status).toBe(200);
    expect(read.at(-1)).toEqual({ ID: '664', TITLE: 'Kitchen renovation' });
    expect(portal.callsOf('crm.deal.get').at(-1)!.auth).toMatchObject({ kind: 'oauth', accessToken: (await credentials.get(portal.memberId))!.accessToken });
  });
});
