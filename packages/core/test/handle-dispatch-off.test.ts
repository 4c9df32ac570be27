import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createReceiver } from '@b24hooks/core';
import { MEMBER_ID, TOKEN, authBlock, dealUpdate, delivery, post } from './support.js';

const uninstall = () => delivery('ONAPPUNINSTALL', { data: { LANGUAGE_ID: 'en', CLEAN: '0' }, auth: authBlock() });

describe('receiver.handle(request, { dispatch: false }) and receiver.forget', () => {
  it('verifies and returns the event without running handlers; refusals are unchanged', async () => {
    const seen: string[] = [];
    const receiver = createReceiver({ token: TOKEN }).onAny((event) => void seen.push(event.name));
    const result = await receiver.handle(post(dealUpdate()), { dispatch: false });
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    expect(result.event?.name).toBe('ONCRMDEALUPDATE');
    expect(seen).toEqual([]);
    const forged = await receiver.handle(post(dealUpdate(authBlock({ application_token: 'forged' }))), { dispatch: false });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_MISMATCH' } } });
    await receiver.handle(post(dealUpdate()));
    expect(seen).toEqual(['ONCRMDEALUPDATE']);
  });

  it('leaves an uninstalled portal known until forget(event) is called', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    const receiver = createReceiver({ tokenStore: store });
    const result = await receiver.handle(post(uninstall()), { dispatch: false });
    expect(result.status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
    await receiver.forget(result.event!);
    expect(await store.get(MEMBER_ID)).toBeUndefined();
    await receiver.forget(result.event!);
  });
});
