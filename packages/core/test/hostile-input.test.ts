// Issue 9, "hostile input": bodies no token is needed to send. Each test failed before the hardening.
import { describe, expect, it, vi } from 'vitest';
import { createMemoryTokenStore, createReceiver, encodeForm, normalizeForm, parseForm } from '@b24hooks/core';
import { MEMBER_ID, TOKEN, authBlock, dealUpdate, post } from './support.js';

const JSON_TYPE = 'application/json';

describe('8. deep JSON and deep or cyclic objects', () => {
  it('a 4 KB JSON body of 2,000 nested lists is MALFORMED_BODY, not a stack overflow, and onError hears nothing', async () => {
    const onError = vi.fn();
    const receiver = createReceiver({ token: TOKEN }).onError(onError);
    const body = `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    const result = await receiver.handle(post(body, JSON_TYPE));
    expect(result).toMatchObject({ status: 400, error: { code: 'MALFORMED_BODY' } });
    expect(result.body).toMatchObject({ error: { message: expect.stringMatching(/deeper than 10 levels/) } });
    expect(onError).not.toHaveBeenCalled();
  });

  it('an object nested 100,000 levels deep is refused at the depth limit', () => {
    let deep: Record<string, unknown> = { leaf: '1' };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => normalizeForm({ data: deep })).toThrow(/deeper than 10 levels/);
  });

  it('a cyclic object is MALFORMED_BODY', async () => {
    const cyclic: Record<string, unknown> = { event: 'ONCRMDEALUPDATE' };
    cyclic.self = cyclic;
    const receiver = createReceiver({ token: TOKEN });
    expect((await receiver.handle(post(cyclic))).error?.code).toBe('MALFORMED_BODY');
    const limited = createReceiver({ token: TOKEN, limits: { maxDepth: 1000 } });
    expect((await limited.handle(post(cyclic))).body).toMatchObject({ error: { code: 'MALFORMED_BODY', message: expect.stringMatching(/contains itself/) } });
  });

  it('a shared child reached many times is bounded even when it holds no pair', () => {
    let node: Record<string, unknown> = {};
    for (let i = 0; i < 9; i++) node = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`k${k}`, node]));
    expect(() => normalizeForm({ data: node })).toThrow(/parameters/);
  });
});

describe('10. the token scan and the parse agree', () => {
  const receiver = createReceiver({ token: TOKEN });
  it.each([
    ['lower-case escapes', 'auth%5bapplication_token%5d'],
    ['raw brackets', 'auth[application_token]'],
    ['an escaped letter', 'auth%5Bapplication%5Ftoken%5D'],
    ['junk after the bracket', 'auth%5Bapplication_token%5Dx'],
    ['a leading space', '+auth%5Bapplication_token%5D'],
  ])('a body whose last token is spelled with %s is accepted, as PHP reads it', async (_name, spelling) => {
    const body = `${encodeForm({ event: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 1 } }, ts: 1, auth: authBlock({ application_token: 'forged' }) })}&${spelling}=${TOKEN}`;
    expect((parseForm(body).auth as Record<string, string>).application_token).toBe(TOKEN);
    expect((await receiver.handle(post(body))).status).toBe(200);
  });

  it('a member id spelled otherwise is looked up as the parse reads it', async () => {
    const stored = createReceiver({ tokenStore: createMemoryTokenStore({ [MEMBER_ID]: TOKEN }) });
    const body = `${encodeForm({ event: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 1 } }, ts: 1, auth: authBlock({ member_id: 'other' }) })}&auth[member_id]=${MEMBER_ID}`;
    expect((await stored.handle(post(body))).status).toBe(200);
  });

  it('a forged token in the plain spelling is still refused before the parse', async () => {
    expect((await receiver.handle(post(dealUpdate(authBlock({ application_token: 'forged' })))))).toMatchObject({ status: 401, error: { code: 'TOKEN_MISMATCH' } });
  });
});

describe('11. lone surrogates and misuse of handle()', () => {
  const receiver = createReceiver({ token: TOKEN });
  it('a JSON \\ud800 is MALFORMED_BODY, as the same character in a form is', async () => {
    const json = JSON.stringify({ event: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: '1', TITLE: 'x' } }, ts: '1', auth: authBlock() }).replace('"x"', '"\\ud800"');
    expect((await receiver.handle(post(json, JSON_TYPE))).error?.code).toBe('MALFORMED_BODY');
    const keyed = JSON.stringify({ event: 'ONCRMDEALUPDATE', ts: '1', auth: authBlock(), data: { k: '1' } }).replace('"k"', '"\\udc00"');
    expect((await receiver.handle(post(keyed, JSON_TYPE))).error?.code).toBe('MALFORMED_BODY');
    expect((await receiver.handle(post(`${dealUpdate()}&data%5BX%5D=%ED%A0%80`))).error?.code).toBe('MALFORMED_BODY');
  });

  it('no method, a non-string method or content type, no request at all: 4xx, never 500', async () => {
    const answers = await Promise.all([
      receiver.handle({ body: dealUpdate() } as never),
      receiver.handle({ method: 5, body: dealUpdate() } as never),
      receiver.handle({ method: 'POST', contentType: ['application/json'], body: '{}' } as never),
      receiver.handle({ method: 'POST', contentType: 7, body: dealUpdate() } as never),
      receiver.handle(undefined as never),
      receiver.handle({ method: 'POST', contentType: JSON_TYPE } as never),
      receiver.handle({
        method: 'POST',
        contentType: JSON_TYPE,
        body: {
          get event() {
            throw new Error('getter');
          },
        },
      }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
  });
});
