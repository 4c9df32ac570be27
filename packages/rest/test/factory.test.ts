import { createReceiver, parseForm, type B24Event } from '@b24hooks/core';
import { buildEventBody, createFakePortal, type FakePortal } from '@b24hooks/testing';
import { createMemoryCredentialStore, createRestFactory, credentialsFromEvent } from '@b24hooks/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let portal: FakePortal;
beforeAll(async () => {
  portal = await createFakePortal({ rateLimit: false });
  portal.method('crm.deal.get', (params, context) => ({ ID: params.id, via: context.auth.kind }));
});
afterAll(() => portal.close());

async function deliveredEvent(oauth: boolean): Promise<B24Event> {
  const receiver = createReceiver({ token: portal.applicationToken });
  const body = buildEventBody('ONCRMDEALUPDATE', {
    oauth,
    token: portal.applicationToken,
    portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint },
    auth: oauth ? portal.eventAuth() : {},
    data: { FIELDS: { ID: 662 } },
  });
  return receiver.verify(parseForm(body));
}

describe('createRestFactory({ app, credentials? })', () => {
  it('builds a client from a delivered event\'s own OAuth auth', async () => {
    const rest = createRestFactory({ app: portal.app, oauthServer: portal.oauthServer, rateLimit: false });
    const event = await deliveredEvent(true);
    await expect(rest(event).call('crm.deal.get', { id: 662 })).resolves.toEqual({ ID: '662', via: 'oauth' });
  });

  it('falls back to the stored credentials of the event\'s member_id when the event carries no tokens', async () => {
    const credentials = createMemoryCredentialStore();
    await credentials.set(portal.memberId, credentialsFromEvent(await deliveredEvent(true))!);
    const rest = createRestFactory({ app: portal.app, credentials, oauthServer: portal.oauthServer });
    await expect(rest(await deliveredEvent(false)).call('crm.deal.get', { id: 1 })).resolves.toEqual({ ID: '1', via: 'oauth' });
  });

  it('says what is missing when neither is there', async () => {
    const rest = createRestFactory({ app: portal.app });
    const event = await deliveredEvent(false);
    expect(() => rest(event)).toThrow(/credentials store/);
    expect(() => createRestFactory({} as never)).toThrow(TypeError);
  });
});
