import { createFakePortal, type FakePortal } from '@b24hooks/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The offline queue over real HTTP, as an application calls it: JSON bodies with auth=<access_token>.
let portal: FakePortal;
beforeEach(async () => {
  portal = await createFakePortal({ rateLimit: false });
});
afterEach(() => portal.close());

async function call(method: string, params: Record<string, unknown> = {}, auth: string | undefined = portal.tokens.accessToken) {
  const response = await fetch(`${portal.clientEndpoint}${method}.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...params, ...(auth === undefined ? {} : { auth }) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function result(method: string, params: Record<string, unknown> = {}) {
  const answer = await call(method, params);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.result;
}

function seed(count: number): void {
  for (let id = 1; id <= count; id++) portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: id } }, { timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, id)) });
}

describe('fake portal: the offline-events queue', () => {
  it('event.offline.get answers { process_id, events } with the documented record fields; default clear: 1 deletes them', async () => {
    portal.offline.add('ONCRMLEADADD', { FIELDS: { ID: 7 } }, { timestamp: new Date('2026-07-18T10:32:31Z'), additional: { user_id: '1' }, messageId: 'abc' });
    const answer = await result('event.offline.get');
    expect(answer).toEqual({
      process_id: null,
      events: [{ ID: '1', TIMESTAMP_X: '2026-07-18T13:32:31+03:00', EVENT_NAME: 'ONCRMLEADADD', EVENT_DATA: { FIELDS: { ID: 7 } }, EVENT_ADDITIONAL: { user_id: '1' }, MESSAGE_ID: 'abc' }],
    });
    expect(portal.offline.records()).toEqual([]);
    portal.offline.add('ONAPPTEST');
    expect((await result('event.offline.get')).events[0]).toMatchObject({ EVENT_DATA: false, EVENT_ADDITIONAL: false, MESSAGE_ID: '2' });
  });

  it('clear: 0 reserves a batch under a process_id, hidden from other readers until event.offline.clear', async () => {
    seed(5);
    const first = await result('event.offline.get', { clear: 0, limit: 2 });
    expect(first.process_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.events.map((event: { ID: string }) => event.ID)).toEqual(['1', '2']);
    const second = await result('event.offline.get', { clear: 0, limit: 2 });
    expect(second.events.map((event: { ID: string }) => event.ID)).toEqual(['3', '4']);
    expect(second.process_id).not.toBe(first.process_id);
    expect(portal.offline.pending).toBe(1);
    const listed = await result('event.offline.list');
    expect(listed.map((row: { PROCESS_ID: string }) => row.PROCESS_ID)).toEqual([first.process_id, first.process_id, second.process_id, second.process_id, '']);

    // Clearing needs the reservation's process_id and touches nothing else.
    expect(await result('event.offline.clear', { process_id: second.process_id, message_id: ['1', '3'] })).toBe(true);
    expect(portal.offline.records().map((record) => record.ID)).toEqual(['1', '2', '4', '5']);
    expect(await result('event.offline.clear', { process_id: first.process_id, id: [2] })).toBe(true);
    expect(await result('event.offline.clear', { process_id: first.process_id })).toBe(true);
    expect(portal.offline.records().map((record) => record.ID)).toEqual(['4', '5']);
    expect((await call('event.offline.clear', {})).body.error).toBe('ERROR_ARGUMENT');
  });

  it('a process_id given to event.offline.get takes more records into that reservation', async () => {
    seed(3);
    const { process_id: processId } = await result('event.offline.get', { clear: 0, limit: 1 });
    const more = await result('event.offline.get', { clear: 0, limit: 1, process_id: processId });
    expect(more.process_id).toBe(processId);
    expect(more.events[0].ID).toBe('2');
    await result('event.offline.clear', { process_id: processId });
    expect(portal.offline.records().map((record) => record.ID)).toEqual(['3']);
  });

  it('event.offline.error marks records (and releases them); only error: 1 reads them again', async () => {
    seed(3);
    const batch = await result('event.offline.get', { clear: 0 });
    expect(await result('event.offline.error', { process_id: batch.process_id, message_id: ['2'] })).toBe(true);
    await result('event.offline.clear', { process_id: batch.process_id });
    expect(portal.offline.records()).toEqual([expect.objectContaining({ ID: '2', ERROR: '1', PROCESS_ID: '' })]);
    expect((await result('event.offline.get', { clear: 0 })).events).toEqual([]);
    const errors = await result('event.offline.get', { clear: 0, error: 1 });
    expect(errors.events.map((event: { ID: string }) => event.ID)).toEqual(['2']);
    expect(await result('event.offline.list', { filter: { ERROR: 1 } })).toEqual([expect.objectContaining({ ID: '2', PROCESS_ID: errors.process_id })]);
  });

  it('filters and orders by the documented fields', async () => {
    seed(6);
    portal.offline.add('ONCRMLEADADD', { FIELDS: { ID: 9 } }, { timestamp: new Date(Date.UTC(2025, 0, 1)) });
    const oldestFirst = await result('event.offline.get', { clear: 0, limit: 1 });
    expect(oldestFirst.events[0].EVENT_NAME).toBe('ONCRMLEADADD'); // TIMESTAMP_X ASC by default
    const filtered = await result('event.offline.get', { clear: 0, filter: { '>ID': 2, '=EVENT_NAME': 'ONCRMDEALUPDATE' }, order: { ID: 'DESC' }, limit: 2 });
    expect(filtered.events.map((event: { ID: string }) => event.ID)).toEqual(['6', '5']);
  });

  it('event.offline.list pages by 50 with total and changes nothing', async () => {
    seed(60);
    const response = await call('event.offline.list', { order: { ID: 'DESC' } });
    expect(response.body.total).toBe(60);
    expect(response.body.next).toBe(50);
    expect(response.body.result[0].ID).toBe('60');
    expect((await call('event.offline.list', { start: 50 })).body.result).toHaveLength(10);
    expect(portal.offline.pending).toBe(60);
  });

  it('keeps one record per changed object: a new change updates it and releases its reservation', async () => {
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 1 } }, { messageId: 'deal-1' });
    const batch = await result('event.offline.get', { clear: 0 });
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 1 }, v: 2 }, { messageId: 'deal-1' });
    await result('event.offline.clear', { process_id: batch.process_id, message_id: ['deal-1'] });
    expect(portal.offline.records()).toEqual([expect.objectContaining({ MESSAGE_ID: 'deal-1', EVENT_DATA: { FIELDS: { ID: 1 }, v: 2 }, PROCESS_ID: '' })]);
  });

  it('keeps each auth_connector\'s queue apart', async () => {
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 1 } }, { connector: 'erp' });
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 2 } });
    expect((await result('event.offline.get', { clear: 0, auth_connector: 'erp' })).events.map((event: { ID: string }) => event.ID)).toEqual(['1']);
    expect((await result('event.offline.get', { clear: 0 })).events.map((event: { ID: string }) => event.ID)).toEqual(['2']);
  });

  it('answers only under application authorization, as Bitrix24 does', async () => {
    seed(1);
    const response = await fetch(`${portal.webhookUrl}event.offline.get.json`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'WRONG_AUTH_TYPE' });
    expect(portal.offline.pending).toBe(1);
  });
});
