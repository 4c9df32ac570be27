import { describe, expect, it } from 'vitest';
import {
  createMemoryTokenStore,
  createReceiver,
  encodeForm,
  handoffRunner,
  withoutApplicationTokens,
  type B24Event,
  type B24HandoffItem,
} from '@b24hooks/core';
import { ACCESS_TOKEN, MEMBER_ID, TOKEN, TS, authBlock, oauthBlock } from './support.js';

const post = (form: Record<string, unknown>) => ({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: encodeForm(form) });
const deal = (id: string, auth = oauthBlock()) => post({ event: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: id } }, ts: TS, auth });
const bot = () =>
  post({
    event: 'ONIMBOTMESSAGEADD',
    data: { BOT: { 5: { ...oauthBlock(), AUTH: oauthBlock(), BOT_ID: '5' } }, PARAMS: { FROM_USER_ID: '1', MESSAGE_ID: '9', DIALOG_ID: '1' } },
    ts: TS,
    auth: oauthBlock(),
  });

function collecting() {
  const items: B24HandoffItem[] = [];
  return { items, handoff: { enqueue: async (item: B24HandoffItem) => void items.push(item) } };
}

describe('createReceiver({ handoff })', () => {
  it('hands the verified delivery off instead of running handlers, without any application_token', async () => {
    const { items, handoff } = collecting();
    const ran: string[] = [];
    const receiver = createReceiver({ token: TOKEN, handoff }).onAny((event) => void ran.push(event.name));
    const before = Date.now();
    expect(await receiver.handle(deal('5'))).toMatchObject({ status: 200, body: { ok: true } });
    expect(await receiver.handle(bot())).toMatchObject({ status: 200 });
    expect(ran).toEqual([]);
    expect(items.map(({ kind, name, memberId }) => ({ kind, name, memberId }))).toEqual([
      { kind: 'event', name: 'ONCRMDEALUPDATE', memberId: MEMBER_ID },
      { kind: 'event', name: 'ONIMBOTMESSAGEADD', memberId: MEMBER_ID },
    ]);
    expect(items[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(before);
    for (const item of items) {
      const stored = JSON.stringify(item);
      expect(stored).not.toContain(TOKEN);
      expect(stored).not.toContain('application_token');
      expect(stored).toContain(ACCESS_TOKEN);
    }
  });

  it('refuses a forged delivery before any hand-off', async () => {
    const { items, handoff } = collecting();
    const answer = await createReceiver({ token: TOKEN, handoff }).handle(deal('5', oauthBlock({ application_token: 'forged' })));
    expect(answer.error?.code).toBe('TOKEN_MISMATCH');
    expect(items).toEqual([]);
  });

  it('answers 503 HANDOFF_FAILED when enqueue rejects, logs it and tells onError with the event', async () => {
    const logged: string[] = [];
    const told: Array<B24Event | undefined> = [];
    const receiver = createReceiver({
      token: TOKEN,
      handoff: { enqueue: async () => Promise.reject(new Error('redis is gone')) },
      logger: { warn: (message) => void logged.push(message), error: (message) => void logged.push(message) },
    }).onError((_error, event) => void told.push(event));
    const answer = await receiver.handle(deal('5'));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: { code: 'HANDOFF_FAILED', message: expect.stringContaining('spill: { dir }') } });
    expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    expect(logged).toEqual(['b24hooks could not hand an event off to its queue']);
    expect(told.map((event) => event?.name)).toEqual(['ONCRMDEALUPDATE']);
  });

  it('forgets an uninstalled portal once the job is handed off, and not if the hand-off failed', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    const uninstall = post({ event: 'ONAPPUNINSTALL', data: { LANGUAGE_ID: 'en', CLEAN: '0' }, ts: TS, auth: authBlock() });
    const failing = createReceiver({ tokenStore: store, handoff: { enqueue: () => Promise.reject(new Error('down')) } });
    expect((await failing.handle(uninstall)).status).toBe(503);
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
    const { handoff } = collecting();
    expect((await createReceiver({ tokenStore: store, handoff }).handle(uninstall)).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBeUndefined();
  });

  it('wants an enqueue method', () => {
    expect(() => createReceiver({ token: TOKEN, handoff: {} as never })).toThrow(/handoff must have an enqueue\(item\) method/);
  });
});

describe('handoffRunner(receiver)', () => {
  it('rebuilds the event from a hand-off form and runs the handlers, telling onError only when asked', async () => {
    const { items, handoff } = collecting();
    await createReceiver({ token: TOKEN, handoff }).handle(deal('8'));
    const seen: B24Event[] = [];
    const told: Error[] = [];
    let fail = true;
    const worker = createReceiver({ token: TOKEN })
      .on('ONCRMDEALUPDATE', (event) => {
        seen.push(event);
        if (fail) throw new Error('not yet');
      })
      .onError((error) => void told.push(error));
    const runner = handoffRunner(worker);
    await expect(runner.run(items[0]!.form, { report: false })).rejects.toMatchObject({ code: 'HANDLER_FAILED' });
    expect(told).toEqual([]);
    await expect(runner.run(items[0]!.form, { report: true })).rejects.toMatchObject({ code: 'HANDLER_FAILED' });
    expect(told).toHaveLength(1);
    fail = false;
    const event = await runner.run(items[0]!.form, { report: true });
    expect(event).toMatchObject({ name: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 8 } }, auth: { accessToken: ACCESS_TOKEN } });
    expect(seen).toHaveLength(3);
    expect(() => handoffRunner({} as never)).toThrow(/createReceiver/);
  });

  it('withoutApplicationTokens leaves the original form alone', () => {
    const form = { auth: { application_token: 'x', member_id: 'm' }, data: { BOT: { 5: { AUTH: { application_token: 'y' } } } } };
    expect(withoutApplicationTokens(form)).toEqual({ auth: { member_id: 'm' }, data: { BOT: { 5: { AUTH: {} } } } });
    expect(form.auth.application_token).toBe('x');
  });
});

describe('a token store that fails after the hand-off', () => {
  it('still answers 200 for an uninstall whose job is queued, and tells onError', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    store.delete = async () => Promise.reject(new Error('store down'));
    const { items, handoff } = collecting();
    const told: string[] = [];
    const receiver = createReceiver({ tokenStore: store, handoff }).onError((error) => void told.push(error.message));
    const uninstall = post({ event: 'ONAPPUNINSTALL', data: { LANGUAGE_ID: 'en', CLEAN: '0' }, ts: TS, auth: authBlock() });
    expect((await receiver.handle(uninstall)).status).toBe(200);
    expect(items).toHaveLength(1);
    expect(told).toEqual(['store down']);
  });
});
