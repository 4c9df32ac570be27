import { describe, expect, it, vi } from 'vitest';
import { B24HookError, createMemoryTokenStore, createReceiver, parseForm, type TokenStore } from '@b24hooks/core';
import { MEMBER_ID, TOKEN, authBlock, dealUpdate, delivery, oauthBlock, post } from './support.js';

const install = (auth = oauthBlock()) =>
  delivery('ONAPPINSTALL', { data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' }, auth });
const update = (auth = oauthBlock()) => delivery('ONAPPUPDATE', { data: { VERSION: '2', LANGUAGE_ID: 'en' }, auth });
const uninstall = (auth = authBlock()) => delivery('ONAPPUNINSTALL', { data: { LANGUAGE_ID: 'en', CLEAN: '0' }, auth });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    expect(error).toBeInstanceOf(B24HookError);
    return (error as B24HookError).code;
  }
}

describe('creating a receiver fails closed', () => {
  it('needs a token or a token store', () => {
    expect(() => createReceiver({})).toThrow(/token/);
  });
  it('refuses empty tokens', () => {
    expect(() => createReceiver({ token: '' })).toThrow(TypeError);
    expect(() => createReceiver({ token: [] })).toThrow(TypeError);
    expect(() => createReceiver({ token: ['a', ''] })).toThrow(TypeError);
  });
  it('refuses an install policy without a store and an unknown policy', () => {
    expect(() => createReceiver({ token: 'a', install: 'trust-first-use' })).toThrow(/tokenStore/);
    expect(() => createReceiver({ tokenStore: createMemoryTokenStore(), install: 'always' as never })).toThrow(/install/);
  });
});

describe('one token or several', () => {
  it('accepts the configured token and refuses another', async () => {
    const receiver = createReceiver({ token: TOKEN });
    expect(await codeOf(receiver.verify(parseForm(dealUpdate())))).toBe('OK');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: 'x' })))))).toBe('TOKEN_MISMATCH');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: `${TOKEN}0` })))))).toBe('TOKEN_MISMATCH');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: TOKEN.slice(1) })))))).toBe('TOKEN_MISMATCH');
  });

  it('accepts any token of a rotation list', async () => {
    const receiver = createReceiver({ token: ['old-token', TOKEN] });
    expect(await codeOf(receiver.verify(parseForm(dealUpdate())))).toBe('OK');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: 'old-token' })))))).toBe('OK');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: 'new-token' })))))).toBe('TOKEN_MISMATCH');
  });

  it('refuses a forged token without member_id as TOKEN_MISMATCH, a genuine one as INVALID_EVENT', async () => {
    const withoutMember = (token: string) => {
      const auth = authBlock({ application_token: token });
      delete auth.member_id;
      return parseForm(dealUpdate(auth));
    };
    const receiver = createReceiver({ token: TOKEN });
    expect(await codeOf(receiver.verify(withoutMember('forged')))).toBe('TOKEN_MISMATCH');
    expect(await codeOf(receiver.verify(withoutMember(TOKEN)))).toBe('INVALID_EVENT');
    const stored = createReceiver({ tokenStore: createMemoryTokenStore({ [MEMBER_ID]: TOKEN }) });
    expect(await codeOf(stored.verify(withoutMember(TOKEN)))).toBe('INVALID_EVENT');
  });

  it('says TOKEN_MISSING without auth[application_token]', async () => {
    const auth = authBlock();
    delete auth.application_token;
    const receiver = createReceiver({ token: TOKEN });
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(auth))))).toBe('TOKEN_MISSING');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: '' })))))).toBe('TOKEN_MISSING');
  });
});

describe('a token store keyed by member_id', () => {
  it('verifies against the stored token of the portal, several during rotation', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: [TOKEN, 'next-token'] });
    const receiver = createReceiver({ tokenStore: store });
    expect(await codeOf(receiver.verify(parseForm(dealUpdate())))).toBe('OK');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: 'next-token' })))))).toBe('OK');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ application_token: 'forged' })))))).toBe('TOKEN_MISMATCH');
    expect(await codeOf(receiver.verify(parseForm(dealUpdate(authBlock({ member_id: 'other-portal' })))))).toBe('UNKNOWN_PORTAL');
  });

  it('refuses an install by default, naming the choices', async () => {
    const store = createMemoryTokenStore();
    const receiver = createReceiver({ tokenStore: store });
    const answer = await receiver.handle(post(install()));
    expect(answer.status).toBe(401);
    expect(answer.error?.code).toBe('UNKNOWN_PORTAL');
    expect(answer.error?.message).toMatch(/trust-first-use/);
    expect(answer.error?.message).toMatch(/install: async/);
    expect(await store.get(MEMBER_ID)).toBeUndefined();
  });

  it("'trust-first-use' stores the first token and never replaces it", async () => {
    const store = createMemoryTokenStore();
    const claim = vi.spyOn(store, 'claim');
    const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use' });
    expect((await receiver.handle(post(install()))).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
    expect(claim.mock.calls[0]?.[2]).toMatchObject({ memberId: MEMBER_ID, domain: 'some-domain.bitrix24.com' });
    expect((await receiver.handle(post(dealUpdate()))).status).toBe(200);
    const reinstall = await receiver.handle(post(install(oauthBlock({ application_token: 'attacker' }))));
    expect(reinstall.error?.code).toBe('TOKEN_MISMATCH');
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
    const changedUpdate = await receiver.handle(post(update(oauthBlock({ application_token: 'attacker' }))));
    expect(changedUpdate.error?.code).toBe('TOKEN_MISMATCH');
  });

  it('an install function decides, and a new token it accepts replaces the old one', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    const decide = vi.fn(async (event: { auth?: { accessToken: string } }) => event.auth?.accessToken === 'verified-access');
    const receiver = createReceiver({ tokenStore: store, install: decide });
    const refused = await receiver.handle(post(update(oauthBlock({ application_token: 'new-token' }))));
    expect(refused.error?.code).toBe('TOKEN_MISMATCH');
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
    const accepted = await receiver.handle(post(update(oauthBlock({ application_token: 'new-token', access_token: 'verified-access' }))));
    expect(accepted.status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBe('new-token');
    expect(decide).toHaveBeenCalledTimes(2);
    // A matching token is compared first: no policy is asked.
    expect((await receiver.handle(post(update(oauthBlock({ application_token: 'new-token' }))))).status).toBe(200);
    expect(decide).toHaveBeenCalledTimes(2);
  });

  it('forgets an uninstalled portal once its handlers succeeded', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    const receiver = createReceiver({ tokenStore: store });
    let failNext = true;
    receiver.on('ONAPPUNINSTALL', async () => {
      expect(await store.get(MEMBER_ID)).toBe(TOKEN);
      if (failNext) throw new Error('cleanup failed');
    });
    expect((await receiver.handle(post(uninstall()))).status).toBe(500);
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
    failNext = false;
    expect((await receiver.handle(post(uninstall()))).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBeUndefined();
    expect((await receiver.handle(post(dealUpdate()))).error?.code).toBe('UNKNOWN_PORTAL');
  });

  it('refuses a forged uninstall without touching the store', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    const receiver = createReceiver({ tokenStore: store });
    expect((await receiver.handle(post(uninstall(authBlock({ application_token: 'forged' }))))).error?.code).toBe('TOKEN_MISMATCH');
    expect(await store.get(MEMBER_ID)).toBe(TOKEN);
  });

  it('looks a portal up in the store once per request', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: TOKEN });
    const get = vi.spyOn(store, 'get');
    const receiver = createReceiver({ tokenStore: store });
    expect((await receiver.handle(post(dealUpdate()))).status).toBe(200);
    expect(get).toHaveBeenCalledTimes(1);
    expect((await receiver.handle(post(dealUpdate(authBlock({ application_token: 'forged' }))))).status).toBe(401);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('answers 500 without details when the store fails', async () => {
    const broken: TokenStore = {
      get: async () => {
        throw new Error('redis://user:password@host is down');
      },
      set: async () => {},
      delete: async () => {},
    };
    const answer = await createReceiver({ tokenStore: broken }).handle(post(dealUpdate()));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toContain('password');
  });
});
