// Issue 9, "losing genuine deliveries" and "installs that lock a portal out": each test here
// failed before the hardening.
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryTokenStore, createReceiver, parseForm, toEvent, type B24Event, type TokenStore } from '@b24hooks/core';
import { ACCESS_TOKEN, MEMBER_ID, TOKEN, authBlock, botMessage, dealUpdate, delivery, memoryLogger, oauthBlock, post } from './support.js';

const install = (auth = oauthBlock()) =>
  delivery('ONAPPINSTALL', { data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' }, auth });
const update = (auth = oauthBlock()) => delivery('ONAPPUPDATE', { data: { VERSION: '2', LANGUAGE_ID: 'en' }, auth });
const uninstall = (auth = authBlock()) => delivery('ONAPPUNINSTALL', { data: { LANGUAGE_ID: 'en', CLEAN: '0' }, auth });

/** A real open-line join: the bot joins a line chat; no FROM_USER_ID, no USER block. */
const openLineJoin = () =>
  delivery('ONIMBOTJOINCHAT', {
    data: {
      BOT: { '31': { BOT_ID: '31', BOT_CODE: 'lines', AUTH: oauthBlock({ application_token: 'bot-copy-xyz' }) } },
      PARAMS: { CHAT_TYPE: 'L', MESSAGE_TYPE: 'L', BOT_ID: '31', USER_ID: '0', DIALOG_ID: 'chat417', CHAT_ID: '417', CHAT_ENTITY_TYPE: 'LINES' },
    },
    auth: oauthBlock(),
  });

const never = () => new Promise<never>(() => {});

describe('1. shapes: a verified delivery is never refused for its shape', () => {
  it('accepts an open-line ONIMBOTJOINCHAT without FROM_USER_ID', async () => {
    const receiver = createReceiver({ token: TOKEN });
    const seen = vi.fn();
    receiver.on('ONIMBOTJOINCHAT', seen);
    const result = await receiver.handle(post(openLineJoin()));
    expect(result.status).toBe(200);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(result.event?.problems).toBeUndefined();
  });

  it('keeps a mismatching field as sent, lists it in event.problems, warns once per event and path, and runs the handlers', async () => {
    const logger = memoryLogger();
    const receiver = createReceiver({ token: TOKEN, logger });
    const seen: B24Event[] = [];
    receiver.onAny((event) => void seen.push(event));
    const body = delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 'abc' } } });
    for (let i = 0; i < 3; i++) expect((await receiver.handle(post(body))).status).toBe(200);
    const missing = await receiver.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { TITLE: 'x' } } })));
    expect(missing.status).toBe(200);
    expect(seen).toHaveLength(4);
    expect((seen[0]!.data as { FIELDS: { ID: unknown } }).FIELDS.ID).toBe('abc');
    expect(seen[0]!.problems).toEqual(['data[FIELDS][ID] should be an integer']);
    expect(seen[3]!.problems).toEqual(['data[FIELDS][ID] is missing']);
    expect('ID' in (seen[3]!.data as { FIELDS: object }).FIELDS).toBe(false);
    const warnings = logger.lines.filter((line) => line.message.includes('does not match the registry'));
    expect(warnings).toHaveLength(2);
  });

  it('warns only about verified deliveries: a forged install with odd data fills no log', async () => {
    const logger = memoryLogger();
    const receiver = createReceiver({ tokenStore: createMemoryTokenStore({ [MEMBER_ID]: TOKEN }), install: 'refuse', logger });
    const odd = (token: string) => delivery('ONAPPINSTALL', { data: { VERSION: { major: '1' } }, auth: oauthBlock({ application_token: token }) });
    const shapeWarnings = () => logger.lines.filter((line) => line.message.includes('does not match the registry'));
    expect((await receiver.handle(post(odd('forged')))).status).toBe(401);
    expect(shapeWarnings()).toEqual([]);
    expect((await receiver.handle(post(odd(TOKEN)))).event?.problems).toEqual(['data[VERSION] should be a string']);
    expect(shapeWarnings()).toHaveLength(1);
  });

  it("shapes: 'strict' keeps refusing with INVALID_EVENT, and envelope problems are refused either way", async () => {
    const strict = createReceiver({ token: TOKEN, shapes: 'strict' });
    expect((await strict.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 'abc' } } })))).error?.code).toBe('INVALID_EVENT');
    const lenient = createReceiver({ token: TOKEN });
    expect((await lenient.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: '1' } }, extra: { ts: 'x' } })))).error?.code).toBe('INVALID_EVENT');
    expect(() => createReceiver({ token: TOKEN, shapes: 'loose' as never })).toThrow(TypeError);
  });

  it('toEvent defaults to lenient and takes { shapes }', () => {
    const form = parseForm(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { TITLE: 'x' } } }));
    expect(toEvent(form).problems).toEqual(['data[FIELDS][ID] is missing']);
    expect(() => toEvent(form, { shapes: 'strict' })).toThrow(/is missing/);
  });
});

describe('2. handle() never rejects', () => {
  it('whatever the logger throws, the answer is the same', async () => {
    const logger = {
      warn: () => {
        throw new Error('logger down');
      },
      error: () => Promise.reject(new Error('async logger down')),
    };
    const receiver = createReceiver({ token: TOKEN, logger });
    receiver.on('ONCRMDEALUPDATE', () => {
      throw new Error('handler failed');
    });
    expect((await receiver.handle(post(dealUpdate(authBlock({ application_token: 'forged' }))))).status).toBe(401);
    expect((await receiver.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 'x' } } })))).status).toBe(500);
    expect((await receiver.handle({ method: 'GET', body: '' })).status).toBe(405);
  });

  it('a store that rejects with a value String() cannot convert is a 500, not a rejection', async () => {
    const store: TokenStore = { get: () => Promise.reject(Object.create(null)), set: async () => {}, delete: async () => {} };
    const onError = vi.fn();
    const receiver = createReceiver({ tokenStore: store, logger: memoryLogger() }).onError(onError);
    const result = await receiver.handle(post(dealUpdate()));
    expect(result.status).toBe(500);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('a store that throws synchronously is a 500 too', async () => {
    const store = {
      get: () => {
        throw new Error('sync');
      },
      set: async () => {},
      delete: async () => {},
    } as unknown as TokenStore;
    expect((await createReceiver({ tokenStore: store }).handle(post(dealUpdate()))).status).toBe(500);
  });
});

describe('3. timeouts', () => {
  it('a token store that never answers is 503 DEPENDENCY_TIMEOUT after dependencyMs, for forged and genuine requests alike', async () => {
    const store: TokenStore = { get: never, set: never, delete: never };
    const receiver = createReceiver({ tokenStore: store, timeouts: { dependencyMs: 30 } });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => receiver.handle(post(dealUpdate(authBlock({ application_token: `forged-${i}` }))))),
    );
    expect(new Set(answers.map((answer) => answer.error?.code))).toEqual(new Set(['DEPENDENCY_TIMEOUT']));
    expect(answers[0]!.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(answers[0]!.body).toMatchObject({ error: { message: expect.stringMatching(/timeouts\.dependencyMs/) } });
  });

  it('an install policy that never answers is 503 DEPENDENCY_TIMEOUT, and nothing is stored', async () => {
    const store = createMemoryTokenStore();
    const receiver = createReceiver({ tokenStore: store, install: never, timeouts: { dependencyMs: 30 } });
    const result = await receiver.handle(post(install()));
    expect(result).toMatchObject({ status: 503, error: { code: 'DEPENDENCY_TIMEOUT' } });
    expect(await store.get(MEMBER_ID)).toBeUndefined();
  });

  it('handlers past handlersMs are 500 HANDLER_FAILED and onError hears it; a hung onError does not hold the answer', async () => {
    const heard: Error[] = [];
    const receiver = createReceiver({ token: TOKEN, timeouts: { handlersMs: 40 } });
    receiver.on('ONCRMDEALUPDATE', never);
    receiver.onError((error) => void heard.push(error));
    receiver.onError(never);
    const result = await receiver.handle(post(dealUpdate()));
    expect(result).toMatchObject({ status: 500, error: { code: 'HANDLER_FAILED' } });
    expect(heard[0]?.message).toMatch(/did not finish within 40 ms/);

    const failing = createReceiver({ token: TOKEN, timeouts: { handlersMs: 40 } });
    failing.on('ONCRMDEALUPDATE', () => Promise.reject(new Error('boom')));
    failing.onError(never);
    expect((await failing.handle(post(dealUpdate()))).status).toBe(500);
  });

  it('defaults are 10 s and 25 s, and bad values are refused', async () => {
    const { DEFAULT_TIMEOUTS } = await import('@b24hooks/core');
    expect(DEFAULT_TIMEOUTS).toEqual({ dependencyMs: 10_000, handlersMs: 25_000 });
    expect(() => createReceiver({ token: TOKEN, timeouts: { dependencyMs: 0 } })).toThrow(TypeError);
    expect(() => createReceiver({ token: TOKEN, timeouts: { handlersMs: Number.NaN } })).toThrow(TypeError);
    expect(() => createReceiver({ token: TOKEN, timeouts: { handlersMs: Number.POSITIVE_INFINITY } })).not.toThrow();
  });
});

describe('5. a store get() answering null means no token', () => {
  it('is UNKNOWN_PORTAL, and an install can be trusted', async () => {
    const tokens = new Map<string, string>();
    const store: TokenStore = {
      get: async (id) => tokens.get(id) ?? null,
      set: async (id, token) => void tokens.set(id, token),
      delete: async (id) => void tokens.delete(id),
    };
    const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use' });
    expect((await receiver.handle(post(dealUpdate()))).error?.code).toBe('UNKNOWN_PORTAL');
    expect((await receiver.handle(post(install()))).status).toBe(200);
    expect(tokens.get(MEMBER_ID)).toBe(TOKEN);
  });
});

/** A memory store whose every call takes 0-5 ms, like a network hop. */
function slowStore(withClaim: boolean): TokenStore {
  const inner = createMemoryTokenStore();
  const delay = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 6)));
  const store: TokenStore = {
    get: async (id) => (await delay(), inner.get(id)),
    set: async (id, token) => (await delay(), inner.set(id, token)),
    delete: async (id, token) => (await delay(), inner.delete(id, token)),
  };
  if (withClaim) store.claim = async (id, token) => (await delay(), inner.claim!(id, token));
  return store;
}

describe('6. trust-first-use claims a portal atomically', () => {
  it('of two concurrent installs with different tokens exactly one is accepted, and it is the one stored (100 trials)', async () => {
    for (let trial = 0; trial < 100; trial++) {
      const store = slowStore(true);
      const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use' });
      const [first, second] = await Promise.all([
        receiver.handle(post(install(oauthBlock({ application_token: 'genuine' })))),
        receiver.handle(post(install(oauthBlock({ application_token: 'attacker' })))),
      ]);
      const accepted = [first, second].filter((answer) => answer.status === 200);
      expect(accepted).toHaveLength(1);
      const winner = accepted[0] === first ? 'genuine' : 'attacker';
      expect(await store.get(MEMBER_ID)).toBe(winner);
    }
  });

  it('the same install delivered twice at once is accepted twice', async () => {
    const receiver = createReceiver({ tokenStore: slowStore(true), install: 'trust-first-use' });
    const answers = await Promise.all([receiver.handle(post(install())), receiver.handle(post(install()))]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  });

  it('the memory store has claim()', async () => {
    const store = createMemoryTokenStore();
    expect(await store.claim!('m', 'a')).toBe(true);
    expect(await store.claim!('m', 'b')).toBe(false);
    expect(await store.get('m')).toBe('a');
  });

  it('an ONAPPUPDATE from a portal with no token does not register it', async () => {
    const store = createMemoryTokenStore();
    const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use' });
    const refused = await receiver.handle(post(update()));
    expect(refused.error?.code).toBe('UNKNOWN_PORTAL');
    expect(refused.error?.message).toMatch(/only an ONAPPINSTALL may bring/);
    expect(await store.get(MEMBER_ID)).toBeUndefined();
  });
});

describe('7. an uninstall removes only the token it was verified with', () => {
  it('a reinstall accepted while the old uninstall runs its handlers survives', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: 'old-token' });
    const receiver = createReceiver({ tokenStore: store, install: async () => true });
    let reinstalled: Promise<unknown> | undefined;
    receiver.on('ONAPPUNINSTALL', async () => {
      reinstalled = receiver.handle(post(install(oauthBlock({ application_token: 'new-token' }))));
      await reinstalled;
    });
    expect((await receiver.handle(post(uninstall(authBlock({ application_token: 'old-token' }))))).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBe('new-token');
  });

  it('a function policy is consulted for, and can accept, a reinstall bringing a new token before the old uninstall', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: 'old-token' });
    const policy = vi.fn(async (event: B24Event) => event.auth?.accessToken === ACCESS_TOKEN);
    const receiver = createReceiver({ tokenStore: store, install: policy });
    expect((await receiver.handle(post(install(oauthBlock({ application_token: 'new-token' }))))).status).toBe(200);
    expect(policy).toHaveBeenCalledTimes(1);
    expect(await store.get(MEMBER_ID)).toBe('new-token');
    // The late uninstall of the old install is verified by nothing any more, and removes nothing.
    expect((await receiver.handle(post(uninstall(authBlock({ application_token: 'old-token' }))))).error?.code).toBe('TOKEN_MISMATCH');
    expect(await store.get(MEMBER_ID)).toBe('new-token');
    // An ONAPPUPDATE with a new token goes through the policy too.
    expect((await receiver.handle(post(update(oauthBlock({ application_token: 'newer-token' }))))).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBe('newer-token');
  });

  it('under trust-first-use the portal can reinstall once the old uninstall removed the old token', async () => {
    const store = createMemoryTokenStore({ [MEMBER_ID]: 'old-token' });
    const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use' });
    expect((await receiver.handle(post(install(oauthBlock({ application_token: 'new-token' }))))).error?.code).toBe('TOKEN_MISMATCH');
    expect((await receiver.handle(post(uninstall(authBlock({ application_token: 'old-token' }))))).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBeUndefined();
    expect((await receiver.handle(post(install(oauthBlock({ application_token: 'new-token' }))))).status).toBe(200);
    expect(await store.get(MEMBER_ID)).toBe('new-token');
  });
});

describe('12. secrets are hidden wherever a handler may log', () => {
  const secrets = [TOKEN, ACCESS_TOKEN, 'bot-copy-of-token-xyz', 'bot-access-token-xyz', 'refresh-token-4s386p3q0tr8dy89'];
  const event = toEvent(parseForm(botMessage(oauthBlock())));
  const views = {
    'JSON.stringify(event.data)': () => JSON.stringify(event.data),
    'util.inspect(event.data.BOT)': () => inspect((event.data as { BOT: unknown }).BOT, { depth: null }),
    'JSON.stringify({ ...event })': () => JSON.stringify({ ...event }),
    'util.inspect({ ...event })': () => inspect({ ...event }, { depth: null }),
    'JSON.stringify(structuredClone-like copy)': () => JSON.stringify(Object.assign({}, event)),
    'JSON.stringify(event)': () => JSON.stringify(event),
    'util.inspect(event)': () => inspect(event, { depth: null }),
  };
  it.each(Object.entries(views))('%s shows no token', (_name, view) => {
    const text = view();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('echo');
  });
  it('code still reads them by name', () => {
    const bot = (event.data as { BOT: Record<string, Record<string, unknown> & { AUTH: Record<string, string> }> }).BOT['5']!;
    expect(bot.AUTH.access_token).toBe('bot-access-token-xyz');
    expect(bot.application_token).toBe('bot-copy-of-token-xyz');
    expect((event.raw.auth as Record<string, string>).application_token).toBe(TOKEN);
    expect(event.auth?.accessToken).toBe(ACCESS_TOKEN);
    expect(Object.keys(event)).not.toContain('raw');
    expect(Object.keys(event)).not.toContain('auth');
  });
});
