import { describe, expect, it } from 'vitest';
import { B24HookError, B24_EVENTS, findEventSpec, parseForm, toEvent } from '@b24hooks/core';
import { MEMBER_ID, TS, authBlock, botMessage, dealUpdate, delivery, oauthBlock } from './support.js';

const eventOf = (body: string) => toEvent(parseForm(body));

function invalid(body: string): B24HookError {
  try {
    toEvent(parseForm(body), { shapes: 'strict' });
  } catch (error) {
    expect(error).toBeInstanceOf(B24HookError);
    expect((error as B24HookError).code).toBe('INVALID_EVENT');
    expect((error as B24HookError).status).toBe(400);
    return error as B24HookError;
  }
  throw new Error('expected INVALID_EVENT');
}

describe('toEvent', () => {
  it('builds the typed event of a deal update', () => {
    const event = eventOf(dealUpdate());
    expect(event.name).toBe('ONCRMDEALUPDATE');
    expect(event.handlerId).toBe(735);
    expect(event.timestamp).toEqual(new Date(TS * 1000));
    expect(event.portal).toEqual({
      domain: 'some-domain.bitrix24.com',
      memberId: MEMBER_ID,
      clientEndpoint: 'https://some-domain.bitrix24.com/rest/',
      serverEndpoint: 'https://oauth.bitrix.info/rest/',
    });
    expect(event.auth).toBeUndefined();
    expect(event.data).toEqual({ FIELDS: { ID: 662 } });
    expect(event.raw.data).toEqual({ FIELDS: { ID: '662' } });
  });

  it('reads the OAuth block an application gets', () => {
    const event = eventOf(delivery('ONCRMDEALADD', { data: { FIELDS: { ID: '1' } }, auth: oauthBlock({ client_id: 'local.abc' }) }));
    expect(event.auth).toEqual({
      accessToken: 'access-token-s6p6eclrvim6da22',
      refreshToken: 'refresh-token-4s386p3q0tr8dy89',
      expiresAt: new Date((TS + 3600) * 1000),
      scope: ['crm', 'imbot'],
      userId: 1,
      status: 'L',
      clientId: 'local.abc',
    });
  });

  it('derives expiresAt from expires_in when expires is absent', () => {
    const auth = oauthBlock();
    delete auth.expires;
    const event = eventOf(delivery('ONCRMDEALADD', { data: { FIELDS: { ID: '1' } }, auth }));
    expect(event.auth?.expiresAt).toEqual(new Date((TS + 3600) * 1000));
  });

  it('keeps bot ids as map keys and coerces their integer fields', () => {
    const event = eventOf(botMessage());
    expect(event.name).toBe('ONIMBOTMESSAGEADD');
    const data = event.data as { BOT: Record<string, { BOT_ID: number }>; PARAMS: { MESSAGE_ID: number; MESSAGE: string } };
    expect(Object.keys(data.BOT)).toEqual(['5', '17']);
    expect(data.BOT['5']!.BOT_ID).toBe(5);
    expect(data.BOT['17']!.BOT_ID).toBe(17);
    expect(data.PARAMS.MESSAGE_ID).toBe(104);
    expect(data.PARAMS.MESSAGE).toBe('Привет 👋 & bye');
  });

  it('types a suffixed smart-process event as its family', () => {
    const event = eventOf(delivery('ONCRMDYNAMICITEMADD_147', { data: { FIELDS: { ID: '22', ENTITY_TYPE_ID: '147' } } }));
    expect(event.name).toBe('ONCRMDYNAMICITEMADD_147');
    expect(event.data).toMatchObject({ FIELDS: { ID: 22, ENTITY_TYPE_ID: 147 } });
    expect(findEventSpec('ONCRMDYNAMICITEMADD_147')).toBe(B24_EVENTS.ONCRMDYNAMICITEMADD);
    expect(findEventSpec('ONCRMDEALUPDATE_147')).toBeUndefined();
  });

  it('parses unknown event names with the data as sent', () => {
    const event = eventOf(delivery('ONSOMETHINGNEW', { data: { X: { '5': 'y' } } }));
    expect(event.name).toBe('ONSOMETHINGNEW');
    expect(event.data).toEqual({ X: { '5': 'y' } });
  });

  it('gives empty data when an event sends none', () => {
    const event = eventOf(delivery('ONOFFLINEEVENT'));
    expect(event.data).toEqual({});
  });

  it('upper-cases the event name', () => {
    expect(eventOf(delivery('onCrmDealUpdate', { data: { FIELDS: { ID: '3' } } })).name).toBe('ONCRMDEALUPDATE');
  });

  it('leaves an empty optional id out of the typed data but keeps it in raw', () => {
    const event = eventOf(delivery('ONUSERADD', { data: { ID: '7', UF_DEPARTMENT: { '0': '1', '2': '3' } } }));
    expect(event.data).toMatchObject({ ID: 7, UF_DEPARTMENT: [1, 3] });
  });

  it('refuses a body without event', () => {
    expect(invalid(delivery('', { data: { FIELDS: { ID: '1' } } })).message).toMatch(/no event field/);
  });

  it('refuses a body without auth', () => {
    expect(invalid(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: '1' } }, auth: undefined, extra: { auth: undefined } })).message).toMatch(
      /no auth block/,
    );
  });

  it('refuses a body without ts', () => {
    const body = delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: '1' } } }).replace(/&ts=\d+/, '');
    expect(invalid(body).message).toMatch(/no ts field/);
  });

  it('refuses an integer field that is not an integer, naming the field', () => {
    const error = invalid(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 'abc' } } }));
    expect(error.message).toContain('data[FIELDS][ID]');
    expect(error.message).toMatch(/integer/);
  });

  it('refuses a missing required id and a map sent as text', () => {
    expect(invalid(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { TITLE: 'x' } } })).message).toContain('data[FIELDS][ID] is missing');
    expect(invalid(delivery('ONCRMDEALUPDATE', { data: { FIELDS: 'x' } })).message).toContain('data[FIELDS]');
    expect(invalid(delivery('ONCRMDEALUPDATE')).message).toContain('data[FIELDS]');
  });

  it('refuses a portal without domain or member_id', () => {
    const auth = authBlock();
    delete auth.member_id;
    expect(invalid(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: '1' } }, auth })).message).toMatch(/member_id/);
  });
});
