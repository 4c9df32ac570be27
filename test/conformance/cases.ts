/**
 * The conformance table: one list of deliveries, each with the answer every target must give.
 * Framework-neutral on purpose: a target (receiver.handle, Express, Koa, NestJS…) only has to turn
 * a `CaseRequest` into an HTTP exchange (see `client.ts`) and the suite compares what came back.
 *
 * Bodies are PHP-encoded with `encodeForm`, exactly as Bitrix24 writes them.
 */
import {
  createMemoryTokenStore,
  createReceiver,
  encodeForm,
  type B24Event,
  type B24HookErrorCode,
  type Receiver,
  type ReceiverOptions,
} from '@b24hooks/core';
import { caseRobotOptions, registerCaseRobots } from './robot-cases.js';

// ---------------------------------------------------------------------------------------------
// Portals and tokens

export const TOKENS = {
  /** The token of the `token` set-up (an outgoing webhook or a single-portal app). */
  main: 'demo4pp1ic4ti0nt0k3n000000000001',
  /** The rotation set-up accepts both while the app moves from `old` to `new`. */
  old: 'rotat10n0ldt0k3n0000000000000001',
  new: 'rotat10nn3wt0k3n0000000000000002',
  /** Stored in the `store` set-up for `PORTALS.stored`. */
  stored: 'st0r3dt0k3n000000000000000000001',
  /** What an install for a portal with no stored token brings. */
  installed: 'n3w1nsta11t0k3n00000000000000001',
  forged: 'f0rg3dt0k3n000000000000000000666',
} as const;

export const PORTALS = {
  main: { domain: 'acme.bitrix24.com', memberId: 'a223c6b3710f85df22e9377d6c4f7553' },
  stored: { domain: 'stored.bitrix24.de', memberId: '5f1e0b6a9c3d4e2f8a7b6c5d4e3f2a1b' },
  fresh: { domain: 'fresh.bitrix24.ru', memberId: '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e' },
  stranger: { domain: 'stranger.bitrix24.kz', memberId: 'ffffeeee0000111122223333deadbeef' },
} as const;

type Portal = (typeof PORTALS)[keyof typeof PORTALS];

/** 2024-11-28T08:00:00Z, as Bitrix24 sends it: Unix seconds. */
export const TS = 1732780800;

// ---------------------------------------------------------------------------------------------
// Receivers

/**
 * - `token`: one configured token (`TOKENS.main`).
 * - `rotation`: two configured tokens (`TOKENS.old`, `TOKENS.new`).
 * - `store`: a token store holding `TOKENS.stored` for `PORTALS.stored`, with `install: 'trust-first-use'`.
 */
export type ReceiverSetup = 'token' | 'rotation' | 'store';

export const RECEIVER_SETUPS: readonly ReceiverSetup[] = ['token', 'rotation', 'store'];

export interface CaseReceiver {
  receiver: Receiver;
  /** Events the receiver's handlers saw, in order. */
  events: B24Event[];
  /** Refusals and warnings the receiver logged. */
  warnings: string[];
}

/** A fresh receiver for a set-up; each target gets its own, so state (installs) never leaks. */
export function createCaseReceiver(setup: ReceiverSetup, extra: Partial<ReceiverOptions> = {}): CaseReceiver {
  const events: B24Event[] = [];
  const warnings: string[] = [];
  const logger = { warn: (message: string) => void warnings.push(message), error: (message: string) => void warnings.push(message) };
  const receiver =
    setup === 'token'
      ? createReceiver({ token: TOKENS.main, logger, ...caseRobotOptions, ...extra })
      : setup === 'rotation'
        ? createReceiver({ token: [TOKENS.old, TOKENS.new], logger, ...caseRobotOptions, ...extra })
        : createReceiver({
            tokenStore: createMemoryTokenStore({ [PORTALS.stored.memberId]: TOKENS.stored }),
            install: 'trust-first-use',
            logger,
            ...caseRobotOptions, ...extra,
          });
  receiver.onAny((event) => void events.push(event));
  registerCaseRobots(receiver);
  return { receiver, events, warnings };
}

/** One receiver per set-up, for a target that serves them all (each under `/hooks/<setup>`). */
export function createCaseReceivers(): Record<ReceiverSetup, CaseReceiver> {
  return { token: createCaseReceiver('token'), rotation: createCaseReceiver('rotation'), store: createCaseReceiver('store') };
}

export function hookPath(setup: ReceiverSetup): string {
  return `/hooks/${setup}`;
}

// ---------------------------------------------------------------------------------------------
// Bodies

/** The `auth` block of an application event caused by a user (OAuth keys included). */
export function appAuth(token: string, portal: Portal = PORTALS.main): Record<string, string | number> {
  return {
    access_token: 's6p6eclrvim6da22ft9ch94ekreb52lv',
    expires: TS + 3600,
    expires_in: 3600,
    scope: 'crm,task,imbot',
    domain: portal.domain,
    server_endpoint: 'https://oauth.bitrix.info/rest/',
    status: 'L',
    client_endpoint: `https://${portal.domain}/rest/`,
    member_id: portal.memberId,
    user_id: 1,
    refresh_token: '4s386p3q0tr8dy89xvmt96234v3dljg8',
    application_token: token,
  };
}

/** The five-key `auth` block of an outgoing webhook or an automation-caused event. */
export function webhookAuth(token: string, portal: Portal = PORTALS.main): Record<string, string> {
  return {
    domain: portal.domain,
    client_endpoint: `https://${portal.domain}/rest/`,
    server_endpoint: 'https://oauth.bitrix.info/rest/',
    member_id: portal.memberId,
    application_token: token,
  };
}

/** A whole delivery, in the key order Bitrix24 uses. */
export function delivery(event: string, data: Record<string, unknown> | undefined, auth: Record<string, unknown>): Record<string, unknown> {
  return { event, event_handler_id: 12, ...(data ? { data } : {}), ts: TS, auth };
}

export function dealUpdate(token: string = TOKENS.main, portal: Portal = PORTALS.main): Record<string, unknown> {
  return delivery('ONCRMDEALUPDATE', { FIELDS: { ID: 662 } }, webhookAuth(token, portal));
}

export function taskUpdate(token: string = TOKENS.main): Record<string, unknown> {
  return delivery(
    'ONTASKUPDATE',
    { FIELDS_BEFORE: { ID: 4411 }, FIELDS_AFTER: { ID: 4411 }, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'Y' },
    appAuth(token),
  );
}

/** `ONIMBOTMESSAGEADD` with one `data[BOT][<id>]` block per bot, each carrying its own auth copy. */
export function botMessage(botIds: readonly number[], token: string = TOKENS.main, message = 'Hello, bot! Цена: 5 000 ₽ & more'): Record<string, unknown> {
  const BOT: Record<string, unknown> = {};
  for (const id of botIds) {
    BOT[id] = { ...appAuth(token), AUTH: appAuth(token), BOT_ID: id, BOT_CODE: `helper_${id}` };
  }
  return delivery(
    'ONIMBOTMESSAGEADD',
    {
      BOT,
      PARAMS: {
        MESSAGE: message,
        MESSAGE_TYPE: 'P',
        FROM_USER_ID: 1,
        DIALOG_ID: '1',
        TO_USER_ID: botIds[0],
        MESSAGE_ID: 90210,
        CHAT_TYPE: 'P',
        CHAT_ID: 24,
        LANGUAGE: 'en',
      },
      USER: { ID: 1, NAME: 'Anna Smith', FIRST_NAME: 'Anna', LAST_NAME: 'Smith', WORK_POSITION: '', GENDER: 'F', IS_BOT: 'N' },
    },
    appAuth(token),
  );
}

/** An operator's open line joins the bot: no FROM_USER_ID, no USER block, as real portals send it. */
export function openLineJoin(token: string = TOKENS.main): Record<string, unknown> {
  const bot = { ...appAuth(token), AUTH: appAuth(token), BOT_ID: 31, BOT_CODE: 'lines_helper' };
  return delivery(
    'ONIMBOTJOINCHAT',
    {
      BOT: { 31: bot },
      PARAMS: {
        CHAT_TYPE: 'L',
        MESSAGE_TYPE: 'L',
        BOT_ID: 31,
        USER_ID: 0,
        DIALOG_ID: 'chat417',
        CHAT_ID: 417,
        CHAT_AUTHOR_ID: 0,
        CHAT_ENTITY_TYPE: 'LINES',
        CHAT_ENTITY_ID: 'livechat|1|417|118',
        ACCESS_HISTORY: 'N',
        LANGUAGE: 'en',
      },
    },
    appAuth(token),
  );
}

export function appInstall(token: string, portal: Portal): Record<string, unknown> {
  return delivery('ONAPPINSTALL', { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' }, appAuth(token, portal));
}

/** Deal-update fields past `maxParams` (default 2,000): every pair is real, none may be dropped. */
function manyFields(count: number): Record<string, unknown> {
  const fields: Record<string, unknown> = { ID: 662 };
  for (let i = 1; i < count; i++) fields[`UF_CRM_${i}`] = i;
  return fields;
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { LEAF: '1' };
  for (let i = depth; i > 1; i--) value = { [`L${i}`]: value };
  return value;
}

/** Builds a raw form body from its pairs, for bodies `encodeForm` refuses to make (bad bytes, prototype keys). */
export function withPairs(base: Record<string, unknown>, ...pairs: string[]): string {
  return [encodeForm(base), ...pairs].join('&');
}

export const FORM = 'application/x-www-form-urlencoded';
export const ONE_MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// The table

/** How the client sends the body. */
export type Transfer =
  /** The whole body with its Content-Length (the default). */
  | { kind: 'content-length' }
  /** `Transfer-Encoding: chunked`, no Content-Length, in chunks of `chunkBytes`. */
  | { kind: 'chunked'; chunkBytes: number }
  /**
   * Declares the whole body's Content-Length but sends only `sendBytes` of it, then waits: the
   * answer must come before the rest is sent (an early 413).
   */
  | { kind: 'announce'; sendBytes: number }
  /** Declares the Content-Length, sends `sendBytes`, then drops the connection: no answer is read. */
  | { kind: 'disconnect'; sendBytes: number };

export interface CaseRequest {
  method: string;
  headers: Record<string, string>;
  /** The body; absent for a GET. With `disconnect`/`announce`, the body it announces. */
  body?: string | Buffer;
  transfer?: Transfer;
}

/** What a test can read of a verified event, compared with `toMatchObject`. */
export interface EventSummary {
  name: string;
  memberId: string;
  domain?: string;
  handlerId?: number;
  data?: unknown;
}

export interface Expected {
  status: number;
  /** The error code in `{"error":{"code","message"}}`; absent for `{"ok":true}`. */
  code?: B24HookErrorCode;
  /** The event the handlers saw; absent when the request is refused. */
  event?: EventSummary;
}

/**
 * A body parser that may run before b24hooks:
 * - `urlencoded-flat`: `express.urlencoded({ extended: false })` (flat `"a[b]"` keys; Express 5's default),
 * - `urlencoded-extended`: `express.urlencoded({ extended: true })` (qs),
 * - `koa-bodyparser`: `@koa/bodyparser` (keeps `ctx.request.rawBody`).
 */
export type ParserSetup = 'urlencoded-flat' | 'urlencoded-extended' | 'koa-bodyparser';

export const PARSER_SETUPS: readonly ParserSetup[] = ['urlencoded-flat', 'urlencoded-extended', 'koa-bodyparser'];

export interface ConformanceCase {
  name: string;
  setup: ReceiverSetup;
  request: CaseRequest;
  /** `'no-answer'`: the client leaves before the answer; the server must stay up and serve the next request. */
  expect: Expected | 'no-answer';
  /**
   * Parser set-ups that change the delivery before b24hooks sees it, with what they lose or answer
   * instead. With every other parser set-up the answer must be identical to the plain one.
   */
  lostBy?: Partial<Record<ParserSetup, string>>;
}

function form(body: Record<string, unknown> | string, extra: Partial<CaseRequest> = {}): CaseRequest {
  return {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: typeof body === 'string' ? body : encodeForm(body),
    ...extra,
  };
}

const refused = (status: number, code: B24HookErrorCode): Expected => ({ status, code });
const dealAccepted: Expected = { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId } };

const PARSER_LIMITS = {
  'urlencoded-flat': 'body-parser refuses bodies over its own 100 kB limit with its own 413 answer',
  'urlencoded-extended': 'body-parser refuses bodies over its own 100 kB limit with its own 413 answer',
  'koa-bodyparser': '@koa/bodyparser refuses forms over its own 56 kB limit with its own 413 answer',
} as const;

const BODY_PARSER_PARAMS = 'body-parser refuses more than 1,000 parameters with its own 413 answer';

const oversized = encodeForm({ ...dealUpdate(), data: { FIELDS: { ID: 662, COMMENTS: 'x'.repeat(ONE_MIB) } } });

export const CASES: readonly ConformanceCase[] = [
  // --- valid deliveries
  {
    name: 'deal update (outgoing webhook)',
    setup: 'token',
    request: form(dealUpdate()),
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId, domain: PORTALS.main.domain, handlerId: 12, data: { FIELDS: { ID: 662 } } } },
  },
  {
    name: 'task update (application event with OAuth keys)',
    setup: 'token',
    request: form(taskUpdate()),
    expect: {
      status: 200,
      event: { name: 'ONTASKUPDATE', memberId: PORTALS.main.memberId, data: { FIELDS_BEFORE: { ID: 4411 }, FIELDS_AFTER: { ID: 4411 }, IS_ACCESSIBLE_AFTER: 'Y' } },
    },
  },
  {
    name: 'bot message with data[BOT][456]',
    setup: 'token',
    request: form(botMessage([456])),
    expect: {
      status: 200,
      event: {
        name: 'ONIMBOTMESSAGEADD',
        memberId: PORTALS.main.memberId,
        data: { BOT: { 456: { BOT_ID: 456, BOT_CODE: 'helper_456' } }, PARAMS: { MESSAGE: 'Hello, bot! Цена: 5 000 ₽ & more', MESSAGE_ID: 90210 }, USER: { ID: 1 } },
      },
    },
  },
  {
    name: 'bot message with two small bot ids, data[BOT][5] and data[BOT][7]',
    setup: 'token',
    request: form(botMessage([5, 7])),
    expect: {
      status: 200,
      event: { name: 'ONIMBOTMESSAGEADD', memberId: PORTALS.main.memberId, data: { BOT: { 5: { BOT_ID: 5 }, 7: { BOT_ID: 7 } } } },
    },
    lostBy: {
      'urlencoded-extended':
        'qs turns data[BOT][5] and data[BOT][7] into a list [bot5, bot7]: the bot ids become 0 and 1 (body-parser lets qs make lists up to index max(100, parameter count))',
    },
  },
  {
    name: 'app install for a new portal (token store, trust-first-use)',
    setup: 'store',
    request: form(appInstall(TOKENS.installed, PORTALS.fresh)),
    expect: { status: 200, event: { name: 'ONAPPINSTALL', memberId: PORTALS.fresh.memberId, data: { VERSION: '1', LANGUAGE_ID: 'en' } } },
  },
  {
    name: 'reinstall bringing another token for a stored portal (trust-first-use never replaces one)',
    setup: 'store',
    request: form(appInstall(TOKENS.installed, PORTALS.stored)),
    expect: refused(401, 'TOKEN_MISMATCH'),
  },
  {
    name: 'deal update from a stored portal with its stored token',
    setup: 'store',
    request: form(dealUpdate(TOKENS.stored, PORTALS.stored)),
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.stored.memberId, data: { FIELDS: { ID: 662 } } } },
  },
  {
    name: 'unknown event name (kept as sent)',
    setup: 'token',
    request: form(delivery('ONSOMETHINGNEWFROMBITRIX', { FIELDS: { ID: '7', FLAG: 'Y' } }, webhookAuth(TOKENS.main))),
    expect: { status: 200, event: { name: 'ONSOMETHINGNEWFROMBITRIX', memberId: PORTALS.main.memberId, data: { FIELDS: { ID: '7', FLAG: 'Y' } } } },
  },
  {
    name: 'smart-process item add ONCRMDYNAMICITEMADD_147',
    setup: 'token',
    request: form(delivery('ONCRMDYNAMICITEMADD_147', { FIELDS: { ID: 31, ENTITY_TYPE_ID: 147 } }, webhookAuth(TOKENS.main))),
    expect: { status: 200, event: { name: 'ONCRMDYNAMICITEMADD_147', memberId: PORTALS.main.memberId, data: { FIELDS: { ID: 31, ENTITY_TYPE_ID: 147 } } } },
  },
  {
    name: 'JSON body with the same delivery (for tools and proxies)',
    setup: 'token',
    request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(dealUpdate()) },
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId, data: { FIELDS: { ID: 662 } } } },
  },
  {
    name: 'form content type with a charset parameter',
    setup: 'token',
    request: form(dealUpdate(), { headers: { 'content-type': `${FORM}; charset=UTF-8` } }),
    expect: dealAccepted,
  },

  // --- tokens and portals
  {
    name: 'forged token',
    setup: 'token',
    request: form(dealUpdate(TOKENS.forged)),
    expect: refused(401, 'TOKEN_MISMATCH'),
  },
  {
    name: 'missing token',
    setup: 'token',
    request: form(delivery('ONCRMDEALUPDATE', { FIELDS: { ID: 662 } }, { ...webhookAuth(TOKENS.main), application_token: undefined })),
    expect: refused(401, 'TOKEN_MISSING'),
  },
  {
    name: 'rotation: the old token is still accepted',
    setup: 'rotation',
    request: form(dealUpdate(TOKENS.old)),
    expect: dealAccepted,
  },
  {
    name: 'rotation: the new token is accepted',
    setup: 'rotation',
    request: form(dealUpdate(TOKENS.new)),
    expect: dealAccepted,
  },
  {
    name: 'rotation: a token from before the old one is refused',
    setup: 'rotation',
    request: form(dealUpdate(TOKENS.main)),
    expect: refused(401, 'TOKEN_MISMATCH'),
  },
  {
    name: 'unknown portal (no stored token for its member_id)',
    setup: 'store',
    request: form(dealUpdate(TOKENS.forged, PORTALS.stranger)),
    expect: refused(401, 'UNKNOWN_PORTAL'),
  },
  {
    name: 'no auth block at all',
    setup: 'token',
    request: form({ event: 'ONCRMDEALUPDATE', data: { FIELDS: { ID: 662 } }, ts: TS }),
    expect: refused(400, 'INVALID_EVENT'),
  },
  {
    // Verified deliveries are never refused for their shape: the field stays as sent.
    name: 'registry field of the wrong shape (data[FIELDS][ID] not an integer), accepted as sent',
    setup: 'token',
    request: form(delivery('ONCRMDEALUPDATE', { FIELDS: { ID: 'abc' } }, webhookAuth(TOKENS.main))),
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId, data: { FIELDS: { ID: 'abc' } } } },
  },
  {
    name: 'open-line ONIMBOTJOINCHAT (USER_ID=0, CHAT_ENTITY_TYPE=LINES, no FROM_USER_ID, no USER)',
    setup: 'token',
    request: form(openLineJoin()),
    expect: { status: 200, event: { name: 'ONIMBOTJOINCHAT', memberId: PORTALS.main.memberId, data: { PARAMS: { USER_ID: 0, CHAT_ENTITY_TYPE: 'LINES' } } } },
    lostBy: { 'urlencoded-extended': 'qs turns data[BOT][31] into a list: the bot id becomes 0' },
  },

  // --- request line
  {
    name: 'GET',
    setup: 'token',
    request: { method: 'GET', headers: {} },
    expect: refused(405, 'METHOD_NOT_ALLOWED'),
  },
  {
    name: 'wrong content type (text/plain with a form body)',
    setup: 'token',
    request: form(dealUpdate(), { headers: { 'content-type': 'text/plain' } }),
    expect: refused(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },
  {
    name: 'no content type',
    setup: 'token',
    request: form(dealUpdate(), { headers: {} }),
    expect: refused(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },

  // --- limits and malformed bodies
  {
    name: 'oversized body with Content-Length: 413 before the body is read',
    setup: 'token',
    request: form(oversized, { transfer: { kind: 'announce', sendBytes: 16 * 1024 } }),
    expect: refused(413, 'BODY_TOO_LARGE'),
    lostBy: PARSER_LIMITS,
  },
  {
    name: 'oversized chunked body without Content-Length',
    setup: 'token',
    request: form(oversized, { transfer: { kind: 'chunked', chunkBytes: 64 * 1024 } }),
    expect: refused(413, 'BODY_TOO_LARGE'),
    lostBy: PARSER_LIMITS,
  },
  {
    name: 'body of exactly the limit is read (and refused for what it says, not its size)',
    setup: 'token',
    request: form(withPairs(dealUpdate(TOKENS.forged), `pad=${'p'.repeat(ONE_MIB - encodeForm(dealUpdate(TOKENS.forged)).length - 5)}`)),
    expect: refused(401, 'TOKEN_MISMATCH'),
    lostBy: PARSER_LIMITS,
  },
  {
    name: 'too many parameters (2,008)',
    setup: 'token',
    request: form({ ...dealUpdate(), data: { FIELDS: manyFields(2000) } }),
    expect: refused(400, 'MALFORMED_BODY'),
    lostBy: { 'urlencoded-flat': BODY_PARSER_PARAMS, 'urlencoded-extended': BODY_PARSER_PARAMS, 'koa-bodyparser': PARSER_LIMITS['koa-bodyparser'] },
  },
  {
    name: 'many parameters, within the limit (1,500: past qs and body-parser limits)',
    setup: 'token',
    request: form({ ...dealUpdate(), data: { FIELDS: manyFields(1500) } }),
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId, data: { FIELDS: { ID: 662, UF_CRM_1499: '1499' } } } },
    lostBy: { 'urlencoded-flat': BODY_PARSER_PARAMS, 'urlencoded-extended': BODY_PARSER_PARAMS },
  },
  {
    name: 'too deep (a key of 11 levels)',
    setup: 'token',
    request: form({ ...dealUpdate(), data: { FIELDS: { ID: 662 }, X: nested(10) } }),
    expect: refused(400, 'MALFORMED_BODY'),
  },
  {
    name: 'deep but within the limit (10 levels)',
    setup: 'token',
    request: form({ ...dealUpdate(), data: { FIELDS: { ID: 662 }, X: nested(9) } }),
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId, data: { X: { L2: { L3: {} } } } } },
  },
  {
    name: 'prototype key data[__proto__][polluted]',
    setup: 'token',
    request: form(withPairs(dealUpdate(), 'data%5B__proto__%5D%5Bpolluted%5D=1')),
    expect: refused(400, 'MALFORMED_BODY'),
    lostBy: { 'urlencoded-extended': 'qs silently drops __proto__ keys, so the rest of the delivery is accepted' },
  },
  {
    name: 'prototype key data[FIELDS][constructor][prototype]',
    setup: 'token',
    request: form(withPairs(dealUpdate(), 'data%5BFIELDS%5D%5Bconstructor%5D%5Bprototype%5D=1')),
    expect: refused(400, 'MALFORMED_BODY'),
  },
  {
    name: 'invalid UTF-8 after percent-decoding',
    setup: 'token',
    request: form(withPairs(dealUpdate(), 'data%5BFIELDS%5D%5BTITLE%5D=%C3%28')),
    expect: refused(400, 'MALFORMED_BODY'),
    lostBy: {
      'urlencoded-flat': 'querystring (Express 4) decodes the bad bytes to U+FFFD, qs (Express 5) keeps %C3%28 as written: the delivery looks valid',
      'urlencoded-extended': 'qs keeps the undecodable %C3%28 as written, so the delivery looks valid',
    },
  },
  {
    name: 'a stray % that starts no escape stays as written (as in PHP)',
    setup: 'token',
    request: form(withPairs(dealUpdate(), 'data%5BFIELDS%5D%5BTITLE%5D=100%+sure')),
    expect: { status: 200, event: { name: 'ONCRMDEALUPDATE', memberId: PORTALS.main.memberId, data: { FIELDS: { TITLE: '100% sure' } } } },
  },
  {
    name: 'JSON that is not an object',
    setup: 'token',
    request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '["ONCRMDEALUPDATE"]' },
    expect: refused(400, 'MALFORMED_BODY'),
  },

  // --- a client that leaves
  {
    name: 'client disconnects mid-body',
    setup: 'token',
    request: form(encodeForm({ ...dealUpdate(), data: { FIELDS: { ID: 662, COMMENTS: 'y'.repeat(200_000) } } }), {
      transfer: { kind: 'disconnect', sendBytes: 64 * 1024 },
    }),
    expect: 'no-answer',
  },
];

// ---------------------------------------------------------------------------------------------
// Answers

/** What a target answered, in a form every target can produce. */
export interface Answer {
  status: number;
  body: unknown;
  /** The verified event the receiver's handlers saw, as JSON (tokens redacted). */
  event?: unknown;
}

/** The event as JSON: what `JSON.stringify` shows (redacted), so answers compare across targets. */
export function eventJson(event: B24Event | undefined): unknown {
  return event === undefined ? undefined : JSON.parse(JSON.stringify(event));
}

/** The event summary the table states, from a verified event. */
export function summarize(event: B24Event): EventSummary {
  const summary: EventSummary = { name: event.name, memberId: event.portal.memberId, domain: event.portal.domain };
  if (event.handlerId !== undefined) summary.handlerId = event.handlerId;
  summary.data = JSON.parse(JSON.stringify(event.data)) as unknown;
  return summary;
}

/** The cases a parser set-up must answer identically to the plain target. */
export function casesIntactThrough(parser: ParserSetup): readonly ConformanceCase[] {
  return CASES.filter((item) => item.lostBy?.[parser] === undefined);
}
