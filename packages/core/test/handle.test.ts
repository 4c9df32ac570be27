import { describe, expect, it } from 'vitest';
import { createReceiver, encodeForm } from '@b24hooks/core';
import { FORM, MEMBER_ID, TOKEN, authBlock, dealUpdate, delivery, memoryLogger, post } from './support.js';

const receiver = createReceiver({ token: TOKEN });

async function answer(request: Parameters<typeof receiver.handle>[0], target = receiver) {
  const result = await target.handle(request);
  return { status: result.status, code: 'error' in result.body ? result.body.error.code : 'OK', message: 'error' in result.body ? result.body.error.message : '' };
}

describe('receiver.handle: every row of the error table', () => {
  it('200 {ok:true} with the event for a valid delivery', async () => {
    const result = await receiver.handle(post(dealUpdate()));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true });
    expect(result.event?.name).toBe('ONCRMDEALUPDATE');
  });

  it('405 METHOD_NOT_ALLOWED for anything but POST', async () => {
    expect(await answer({ method: 'GET', body: '' })).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(await answer({ method: 'put', contentType: FORM, body: dealUpdate() })).toMatchObject({ status: 405 });
    expect((await answer({ method: 'post', contentType: FORM, body: dealUpdate() })).status).toBe(200);
  });

  it('415 UNSUPPORTED_MEDIA_TYPE unless form-urlencoded or JSON; charset parameters are fine', async () => {
    expect(await answer(post(dealUpdate(), 'text/plain'))).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await answer({ method: 'POST', body: dealUpdate() })).toMatchObject({ status: 415 });
    expect(await answer(post(dealUpdate(), 'multipart/form-data; boundary=x'))).toMatchObject({ status: 415 });
    expect((await answer(post(dealUpdate(), 'application/x-www-form-urlencoded; charset=UTF-8'))).status).toBe(200);
    expect((await answer(post(dealUpdate(), 'Application/X-WWW-Form-Urlencoded'))).status).toBe(200);
  });

  it('413 BODY_TOO_LARGE over limits.maxBodyBytes, for strings and bytes', async () => {
    const small = createReceiver({ token: TOKEN, limits: { maxBodyBytes: 100 } });
    expect(await answer(post(dealUpdate()), small)).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect(await answer(post(Buffer.from(dealUpdate())), small)).toMatchObject({ status: 413 });
    const big = `${dealUpdate()}&pad=${'x'.repeat(1024 * 1024)}`;
    expect(await answer(post(big))).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('400 MALFORMED_BODY over the parameter or depth limit, for prototype keys and bad UTF-8', async () => {
    const many = `${Array.from({ length: 2001 }, (_, i) => `p${i}=1`).join('&')}&${dealUpdate()}`;
    expect(await answer(post(many))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    const deep = `${dealUpdate()}&data${'%5Bx%5D'.repeat(11)}=1`;
    expect(await answer(post(deep))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(await answer(post(`${dealUpdate()}&data%5B${key}%5D%5Bx%5D=1`))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    }
    expect(await answer(post(`${dealUpdate()}&x=%C3%28`))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    expect(await answer(post(Buffer.concat([Buffer.from(`${dealUpdate()}&x=`), Buffer.from([0xff, 0xfe])])))).toMatchObject({
      status: 400,
      code: 'MALFORMED_BODY',
    });
    expect(await answer(post('{"event":', 'application/json'))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    expect(await answer(post('[1,2]', 'application/json'))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
  });

  it('keeps a stray % as written instead of refusing', async () => {
    const result = await receiver.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: '1' } }, extra: { note: '100%' } }).replace('100%25', '100%')));
    expect(result.status).toBe(200);
    expect(result.event?.raw.note).toBe('100%');
  });

  it('400 INVALID_EVENT without event, without auth, or with a registry field of the wrong shape', async () => {
    expect(await answer(post(encodeForm({ ts: 1, auth: authBlock() })))).toMatchObject({ status: 400, code: 'INVALID_EVENT' });
    expect(await answer(post(encodeForm({ event: 'ONCRMDEALUPDATE', ts: 1 })))).toMatchObject({ status: 400, code: 'INVALID_EVENT' });
    const strict = createReceiver({ token: TOKEN, shapes: 'strict' });
    const wrongShape = await strict.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 'x' } } })));
    expect({ status: wrongShape.status, code: wrongShape.error?.code }).toMatchObject({ status: 400, code: 'INVALID_EVENT' });
  });

  it('401 TOKEN_MISSING, UNKNOWN_PORTAL and TOKEN_MISMATCH', async () => {
    const auth = authBlock();
    delete auth.application_token;
    expect(await answer(post(dealUpdate(auth)))).toMatchObject({ status: 401, code: 'TOKEN_MISSING' });
    expect(await answer(post(dealUpdate(authBlock({ application_token: 'forged' }))))).toMatchObject({ status: 401, code: 'TOKEN_MISMATCH' });
    const { createMemoryTokenStore } = await import('@b24hooks/core');
    const stored = createReceiver({ tokenStore: createMemoryTokenStore({ other: TOKEN }) });
    expect(await answer(post(dealUpdate()), stored)).toMatchObject({ status: 401, code: 'UNKNOWN_PORTAL' });
  });

  it('500 HANDLER_FAILED when a handler throws', async () => {
    const failing = createReceiver({ token: TOKEN }).on('ONCRMDEALUPDATE', () => {
      throw new Error('x');
    });
    expect(await answer(post(dealUpdate()), failing)).toMatchObject({ status: 500, code: 'HANDLER_FAILED' });
  });
});

describe('receiver.handle: bodies', () => {
  it('accepts bytes, JSON and objects another parser made, with the same event', async () => {
    const fromForm = await receiver.handle(post(dealUpdate()));
    const fromBytes = await receiver.handle(post(new TextEncoder().encode(dealUpdate())));
    const json = { event: 'ONCRMDEALUPDATE', event_handler_id: 735, data: { FIELDS: { ID: 662 } }, ts: 1743165490, auth: authBlock() };
    const fromJson = await receiver.handle(post(JSON.stringify(json), 'application/json; charset=utf-8'));
    const fromObject = await receiver.handle(post(json));
    const flat = Object.fromEntries(new URLSearchParams(dealUpdate()));
    const fromFlat = await receiver.handle(post(flat));
    for (const result of [fromBytes, fromJson, fromObject, fromFlat]) {
      expect(result.status).toBe(200);
      expect(JSON.stringify(result.event)).toBe(JSON.stringify(fromForm.event));
    }
  });

  it('refuses a forged token before parsing the body', async () => {
    // Over the parameter limit, yet the scan of the raw body already refuses the forged token.
    const forged = `${dealUpdate(authBlock({ application_token: 'forged' }))}&${Array.from({ length: 2500 }, (_, i) => `p${i}=1`).join('&')}`;
    expect(await answer(post(forged))).toMatchObject({ status: 401, code: 'TOKEN_MISMATCH' });
  });

  it('leaves a body of more keys to decode than the parameter limit to the parse, which refuses it', async () => {
    // Each key must be decoded to tell it from auth[application_token]: without a bound the scan
    // would decode all 38,000 of a 1 MiB body (and refuse the forged token spelled with raw
    // brackets at its end) where the parse refuses the body at its 2,001st parameter.
    const unit = 'auth%5Bapplication_token%5&';
    const forged = 'auth[member_id]=m&auth[application_token]=forged';
    const hostile = `${unit.repeat(Math.floor(1_000_000 / unit.length))}${forged}`;
    expect(await answer(post(hostile))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    expect(await answer(post(Buffer.from(hostile)))).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
    const withinLimit = `${unit.repeat(1990)}${forged}`;
    expect(await answer(post(withinLimit))).toMatchObject({ status: 401, code: 'TOKEN_MISMATCH' });
  });

  it('never throws, whatever it is given', async () => {
    for (const body of [null, undefined, 42, 'x', [], Symbol('s')] as unknown[]) {
      const result = await receiver.handle({ method: 'POST', contentType: FORM, body: body as object });
      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
    }
  });

  it('logs refusals at warn level with code, domain and member id', async () => {
    const logger = memoryLogger();
    const logged = createReceiver({ token: TOKEN, logger });
    await logged.handle(post(dealUpdate(authBlock({ application_token: 'forged' }))));
    await logged.handle(post(dealUpdate()));
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'b24hooks refused a request: TOKEN_MISMATCH',
        details: expect.objectContaining({ code: 'TOKEN_MISMATCH', status: 401, domain: 'some-domain.bitrix24.com', memberId: MEMBER_ID }),
      },
    ]);
  });
});
