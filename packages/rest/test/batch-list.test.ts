import { createFakePortal, FakePortalError, type FakePortal } from '@b24hooks/testing';
import { B24RestError, createRestClient } from '@b24hooks/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let portal: FakePortal;
const deals = Array.from({ length: 173 }, (_, index) => ({ ID: String(index + 1), TITLE: `Deal ${index + 1}`, OPPORTUNITY: String(index % 7), CONTACT_ID: String(1000 + index) }));
beforeAll(async () => {
  portal = await createFakePortal({ rateLimit: false });
  portal.method('crm.deal.get', (params) => deals.find((deal) => deal.ID === params.id) ?? (() => { throw new FakePortalError('NOT_FOUND', 'Not found'); })());
  portal.method('crm.contact.get', (params) => ({ ID: params.id, NAME: `Contact ${params.id}` }));
  portal.listMethod('crm.deal.list', deals);
});
afterAll(() => portal.close());
const b24 = () => createRestClient({ webhook: portal.webhookUrl });

describe('batch', () => {
  it('passes $result references through to the portal and returns results by key', async () => {
    const { result, errors } = await b24().batch({ d: ['crm.deal.get', { id: 1 }], c: ['crm.contact.get', { id: '$result[d][CONTACT_ID]' }] });
    expect(result).toEqual({ d: deals[0], c: { ID: '1000', NAME: 'Contact 1000' } });
    expect(errors).toEqual({});
    const sent = portal.callsOf('batch').at(-1)!.params as any;
    expect(sent.cmd.c).toBe('crm.contact.get?id=%24result%5Bd%5D%5BCONTACT_ID%5D');
  });

  it('splits over 50 commands into chunks of 50, resolving references to earlier chunks itself', async () => {
    const before = portal.callsOf('batch').length;
    const commands: Record<string, [string, Record<string, unknown>]> = {};
    for (let index = 1; index <= 120; index++) commands[`d${index}`] = ['crm.deal.get', { id: index }];
    commands.late = ['crm.contact.get', { id: '$result[d1][CONTACT_ID]' }];
    const { result, errors } = await b24().batch(commands);
    expect(portal.callsOf('batch').length - before).toBe(3);
    expect(Object.keys(result)).toHaveLength(121);
    expect(result.d120).toEqual(deals[119]);
    expect(result.late).toEqual({ ID: '1000', NAME: 'Contact 1000' });
    expect(errors).toEqual({});
  });

  it('gives each failed command its B24RestError under its key, and halt stops at the first', async () => {
    const commands = { a: ['crm.deal.get', { id: 2 }], bad: ['crm.deal.get', { id: 9999 }], b: ['crm.deal.get', { id: 3 }] } as const;
    const loose = await b24().batch(commands, { halt: false });
    expect(Object.keys(loose.result)).toEqual(['a', 'b']);
    expect(loose.errors.bad).toBeInstanceOf(B24RestError);
    expect(loose.errors.bad).toMatchObject({ code: 'NOT_FOUND', description: 'Not found', method: 'crm.deal.get' });
    const halted = await b24().batch(commands, { halt: true });
    expect(Object.keys(halted.result)).toEqual(['a']);
    expect(Object.keys(halted.errors)).toEqual(['bad']);
    expect((portal.callsOf('batch').at(-1)!.params as any).halt).toBe('1');
  });

  it('stops sending later chunks after an error with halt', async () => {
    const before = portal.callsOf('batch').length;
    const commands: Record<string, [string, Record<string, unknown>]> = { bad: ['crm.deal.get', { id: 0 }] };
    for (let index = 1; index <= 60; index++) commands[`d${index}`] = ['crm.deal.get', { id: index }];
    const { errors } = await b24().batch(commands, { halt: true });
    expect(Object.keys(errors)).toEqual(['bad']);
    expect(portal.callsOf('batch').length - before).toBe(1);
  });

  it('refuses a command that is not [method, params]', async () => {
    await expect(b24().batch({ x: 'crm.deal.get' as never })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('list', () => {
  async function collect(iterable: AsyncIterable<any>) {
    const items = [];
    for await (const item of iterable) items.push(item);
    return items;
  }

  it('with no order of its own, pages by the ID cursor (order ID, >ID, start=-1), adding ID to select', async () => {
    const before = portal.callsOf('crm.deal.list').length;
    const items = await collect(b24().list('crm.deal.list', { filter: { '>OPPORTUNITY': 0 }, select: ['TITLE'] }));
    const expected = deals.filter((deal) => Number(deal.OPPORTUNITY) > 0);
    expect(items.map((item) => item.ID)).toEqual(expected.map((deal) => deal.ID));
    expect(items[0]).toEqual({ TITLE: expected[0]!.TITLE, ID: expected[0]!.ID });
    const sent = portal.callsOf('crm.deal.list').slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent[0]!.params).toMatchObject({ start: '-1', order: { ID: 'ASC' }, select: ['TITLE', 'ID'], filter: { '>OPPORTUNITY': '0' } });
    expect(sent[1]!.params).toMatchObject({ filter: { '>OPPORTUNITY': '0', '>ID': items[49].ID } });
  });

  it('with an order of its own, pages by start/next, each item once', async () => {
    const before = portal.callsOf('crm.deal.list').length;
    const items = await collect(b24().list('crm.deal.list', { order: { ID: 'DESC' } }));
    expect(items).toHaveLength(173);
    expect(items[0].ID).toBe('173');
    expect(new Set(items.map((item) => item.ID)).size).toBe(173);
    const sent = portal.callsOf('crm.deal.list').slice(before).map((call) => call.params.start);
    expect(sent).toEqual(['0', '50', '100', '150']);
  });

  it('a method that ignores the ID cursor gives its first page once, not forever', async () => {
    portal.method('stubborn.list', () => deals.slice(0, 50));
    const items = await collect(b24().list('stubborn.list'));
    expect(items).toHaveLength(50);
    expect(portal.callsOf('stubborn.list')).toHaveLength(2);
  });

  it('paging: start forces start/next, an empty list yields nothing', async () => {
    const items = await collect(b24().list('crm.deal.list', { filter: { '>ID': 160 } }, { paging: 'start' }));
    expect(items.map((item) => item.ID)).toEqual(deals.slice(160).map((deal) => deal.ID));
    expect(await collect(b24().list('crm.deal.list', { filter: { '>ID': 5000 } }))).toEqual([]);
  });
});
