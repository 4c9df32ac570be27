import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B24TestingError, buildEventBody, postBody, sendEvent } from '@b24hooks/testing';
import { refusingUrl, startReceiverServer, type ReceiverServer } from './server.js';

let server: ReceiverServer;
beforeAll(async () => {
  server = await startReceiverServer();
});
afterAll(() => server.close());

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof B24TestingError) return error.code;
    throw error;
  }
  return undefined;
}

describe('sendEvent', () => {
  it('posts the PHP-encoded body as a form and returns the answer', async () => {
    const result = await sendEvent(server.url, 'ONCRMDEALUPDATE', { data: { FIELDS: { ID: 42 } } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true });
    const delivery = server.deliveries.at(-1)!;
    expect(delivery.contentType).toBe('application/x-www-form-urlencoded');
    expect(delivery.body).toBe(buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 42 } } }));
    expect(server.events.at(-1)!.data).toEqual({ FIELDS: { ID: 42 } });
  });

  it('resolves with a refusal as with any other answer', async () => {
    const result = await sendEvent(server.url, 'ONCRMDEALUPDATE', { token: 'wrong' });
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: { code: 'TOKEN_MISMATCH' } });
  });

  it('rejects with UNKNOWN_EVENT, BAD_URL and CONNECTION_REFUSED', async () => {
    expect(await codeOf(sendEvent(server.url, 'ONNOTHING'))).toBe('UNKNOWN_EVENT');
    expect(await codeOf(sendEvent('localhost:3000/b24', 'ONCRMDEALUPDATE'))).toBe('BAD_URL');
    expect(await codeOf(sendEvent('ftp://localhost/b24', 'ONCRMDEALUPDATE'))).toBe('BAD_URL');
    expect(await codeOf(sendEvent(await refusingUrl(), 'ONCRMDEALUPDATE'))).toBe('CONNECTION_REFUSED');
  });
});

describe('postBody', () => {
  it('posts JSON with its content type', async () => {
    const json = JSON.stringify({ event: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 3 } }, ts: 1, auth: { domain: 'a.bitrix24.com', member_id: 'm', application_token: 'wrong' } });
    const result = await postBody(server.url, json, { contentType: 'application/json' });
    expect(result.status).toBe(401);
    expect(server.deliveries.at(-1)!.contentType).toBe('application/json');
  });
});
