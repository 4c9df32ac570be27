import { describe, expect, it } from 'vitest';
import { createReceiver, parseForm, type FormObject } from '@b24hooks/core';
import {
  B24TestingError,
  buildEventBody,
  buildEventForm,
  FIXTURE_PORTAL,
  FIXTURE_TOKEN,
  fixtureFor,
  fixtures,
} from '@b24hooks/testing';

const auth = (form: FormObject) => form.auth as FormObject;
const data = (form: FormObject) => form.data as FormObject;

describe('buildEventForm / buildEventBody', () => {
  it('writes the top level in Bitrix24 order: event, event_handler_id, data, ts, auth', () => {
    expect(Object.keys(buildEventForm('ONCRMDEALUPDATE'))).toEqual(['event', 'event_handler_id', 'data', 'ts', 'auth']);
    expect(buildEventBody('ONCRMDEALUPDATE')).toMatch(/^event=ONCRMDEALUPDATE&event_handler_id=47&data%5BFIELDS%5D%5BID%5D=\d+&ts=1767261600&auth%5B/);
  });

  it('gives applications OAuth fields and webhook-style events only the five keys', () => {
    expect(Object.keys(auth(buildEventForm('ONCRMDEALUPDATE')))).toEqual([
      'access_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status',
      'client_endpoint', 'member_id', 'user_id', 'refresh_token', 'application_token',
    ]);
    const five = ['domain', 'client_endpoint', 'server_endpoint', 'member_id', 'application_token'];
    expect(Object.keys(auth(buildEventForm('ONAPPUNINSTALL')))).toEqual(five);
    expect(Object.keys(auth(buildEventForm('ONCRMDEALUPDATE', { oauth: false })))).toEqual(five);
    expect(auth(buildEventForm('ONAPPUNINSTALL', { oauth: true })).access_token).toBeTypeOf('string');
  });

  it('deep-merges data over the fixture; null removes a key; values are written as PHP would', () => {
    const form = buildEventForm('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 5, STAGE: 'WON', CLOSED: true, EMPTY: null } } });
    expect(data(form)).toEqual({ FIELDS: { ID: '5', STAGE: 'WON', CLOSED: '1' } });
    expect(data(buildEventForm('ONCRMDEALUPDATE', { data: { FIELDS: { ID: null } } }))).toBeUndefined();
    expect(buildEventForm('ONCRMDEALUPDATE', { data: null }).data).toBeUndefined();
    expect(buildEventForm('ONIMCONNECTORLINEDELETE', { data: 108 }).data).toBe('108');
  });

  it('merges into a list item by index and replaces a list given whole', () => {
    const name = 'ONIMBOTV2MESSAGEADD';
    expect(data(buildEventForm(name, { data: { user: { departments: ['7', '8'] } } })).user).toMatchObject({ departments: ['7', '8'] });
    expect(data(buildEventForm(name, { data: { user: { departments: { 0: 9 } } } })).user).toMatchObject({ departments: ['9'] });
  });

  it('sets token, portal, ts, handler id and any auth key', () => {
    const form = buildEventForm('ONCRMDEALUPDATE', {
      token: 'secret',
      portal: { domain: 'acme.bitrix24.de', memberId: 'm1' },
      ts: new Date('2025-06-01T00:00:00Z'),
      handlerId: null,
      auth: { user_id: 9, refresh_token: null },
    });
    expect(form.event_handler_id).toBeUndefined();
    expect(form.ts).toBe('1748736000');
    expect(auth(form)).toMatchObject({
      application_token: 'secret',
      domain: 'acme.bitrix24.de',
      client_endpoint: 'https://acme.bitrix24.de/rest/',
      server_endpoint: FIXTURE_PORTAL.serverEndpoint,
      member_id: 'm1',
      user_id: '9',
      expires: String(1748736000 + 3600),
    });
    expect(auth(form).refresh_token).toBeUndefined();
  });

  it('keeps the chat-bot auth copies in step with the top-level auth', () => {
    const form = buildEventForm('ONIMBOTMESSAGEADD', { token: 'bot-secret', portal: { memberId: 'm2' } });
    const bots = data(form).BOT as Record<string, FormObject>;
    for (const bot of Object.values(bots)) {
      expect(bot).toMatchObject({ application_token: 'bot-secret', member_id: 'm2', domain: FIXTURE_PORTAL.domain });
      expect(bot.AUTH).toMatchObject({ application_token: 'bot-secret', member_id: 'm2' });
    }
  });

  it('accepts any case and keeps a family suffix', () => {
    expect(buildEventForm('onCrmDealUpdate').event).toBe('ONCRMDEALUPDATE');
    expect(buildEventForm('ONCRMDYNAMICITEMADD_1038')).toMatchObject({ event: 'ONCRMDYNAMICITEMADD_1038', data: { FIELDS: { ENTITY_TYPE_ID: '1038' } } });
  });

  it('refuses unknown names with a hint', () => {
    expect(() => buildEventBody('ONCRMDEALUPDAT')).toThrowError(/Did you mean ONCRMDEALUPDATE/);
    expect(() => buildEventBody('ONCRMDEALUPDATE_5')).toThrowError(B24TestingError);
    try {
      buildEventBody('NOPE');
    } catch (error) {
      expect((error as B24TestingError).code).toBe('UNKNOWN_EVENT');
    }
    expect.assertions(3);
  });

  it('leaves the shared fixtures untouched', () => {
    const before = JSON.stringify(fixtures.ONIMBOTMESSAGEADD);
    buildEventForm('ONIMBOTMESSAGEADD', { token: 'x', data: { BOT: { 567: { BOT_CODE: 'changed' } } } });
    expect(JSON.stringify(fixtures.ONIMBOTMESSAGEADD)).toBe(before);
    expect(Object.isFrozen(fixtures.ONIMBOTMESSAGEADD!.data)).toBe(true);
  });

  it('builds what receiver.verify accepts, without HTTP', async () => {
    const event = await createReceiver({ token: FIXTURE_TOKEN }).verify(buildEventForm('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 77 } } }));
    expect(event.name).toBe('ONCRMDEALUPDATE');
    expect(event.data).toEqual({ FIELDS: { ID: 77 } });
  });

  it('gives a delivery the receiver refuses when the token is wrong or missing', async () => {
    const receiver = createReceiver({ token: FIXTURE_TOKEN });
    const post = (body: string) => receiver.handle({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body });
    expect((await post(buildEventBody('ONCRMDEALUPDATE', { token: 'wrong' }))).body).toMatchObject({ error: { code: 'TOKEN_MISMATCH' } });
    expect((await post(buildEventBody('ONCRMDEALUPDATE', { auth: { application_token: null } }))).body).toMatchObject({ error: { code: 'TOKEN_MISSING' } });
  });
});

describe('fixtureFor', () => {
  it('gives the registry row, the form and the body', () => {
    const fixture = fixtureFor('ONCRMDEALUPDATE');
    expect(fixture).toMatchObject({ name: 'ONCRMDEALUPDATE', scope: 'crm', doc: expect.stringContaining('on-crm-deal-update') });
    expect(parseForm(fixture.body)).toEqual(fixture.form);
    expect(fixtureFor('ONCRMDYNAMICITEMADD_7').name).toBe('ONCRMDYNAMICITEMADD_7');
  });
});
