/**
 * Seeded fuzzing of receiver.handle over generated and mutated deliveries. A few thousand inputs in
 * the normal run; more with B24HOOKS_FUZZ_CASES=100000 (and another B24HOOKS_FUZZ_SEED) for a long
 * run. For every input: handle() resolves; no 5xx unless a handler failed; no handler ran for a
 * refused body and the handlers ran for an accepted one; no secret in the answer, the log lines or
 * any serialized view of the event; Object.prototype untouched.
 */
import { unescape } from 'node:querystring';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createReceiver, encodeForm, isSecretKey, parseForm, type B24Event, type B24HandleResult, type Receiver } from '@b24hooks/core';
import { ACCESS_TOKEN, MEMBER_ID, REFRESH_TOKEN, TOKEN, authBlock, botMessage, dealUpdate, delivery, oauthBlock } from './support.js';

const CASES = Number(process.env.B24HOOKS_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.B24HOOKS_FUZZ_SEED ?? 20261201);

/** mulberry32: small, seedable, good enough to spread inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(SEED);
const below = (n: number) => Math.floor(rand() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;

const BOT_TOKEN = 'bot-copy-of-token-xyz';
const BOT_ACCESS = 'bot-access-token-xyz';
const SECRETS = [TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, BOT_TOKEN, BOT_ACCESS];
const FAIL_MARK = 'FAILME';

const BASES: readonly string[] = [
  dealUpdate(),
  dealUpdate(oauthBlock()),
  botMessage(oauthBlock()),
  delivery('ONAPPINSTALL', { data: { VERSION: '1', LANGUAGE_ID: 'en' }, auth: oauthBlock() }),
  delivery('ONAPPUNINSTALL', { data: { LANGUAGE_ID: 'en', CLEAN: '0' }, auth: authBlock() }),
  delivery('ONIMBOTJOINCHAT', { data: { BOT: { '9': { BOT_ID: '9', AUTH: oauthBlock({ application_token: BOT_TOKEN, access_token: BOT_ACCESS }) } }, PARAMS: { BOT_ID: '9', USER_ID: '0' } } }),
  delivery('ONTASKCOMMENTADD', { data: { FIELDS_AFTER: { ID: '0', TASK_ID: '5', MESSAGE_ID: '77' } }, auth: oauthBlock() }),
  delivery('ONCRMDEALADD', { data: { FIELDS: { ID: FAIL_MARK } } }),
  delivery('SOME.UNKNOWN.EVENT', { data: { A: { B: ['1', '2'] } } }),
];

const FRAGMENTS = [
  '%', '%%', '%5', '%5B', '%5D', '%5b', '%5d', '[', ']', '&', '&&', '=', '==', '+', '.', '%00', '\0', '%2E', '%20',
  '%ED%A0%80', '%C3', '%C3%A9', '%FF', '\ud800', 'é', '👋', '__proto__', 'constructor', 'prototype', '%5F%5Fproto%5F%5F',
  'auth%5Bapplication_token%5D=', 'auth[application_token]=', 'auth%5bapplication_token%5d=', 'auth%5Bmember_id%5D=',
  'event=ONAPPINSTALL', 'event=', 'ts=', 'ts=abc', 'data%5BFIELDS%5D%5BID%5D=', '%5B'.repeat(40), '['.repeat(30), 'a'.repeat(200),
  `auth%5Bapplication_token%5D=${TOKEN}`, 'forged-token', `${FAIL_MARK}`,
];

function mutate(body: string): string {
  let out = body;
  const steps = 1 + below(4);
  for (let step = 0; step < steps; step++) {
    const at = below(out.length + 1);
    switch (below(8)) {
      case 0:
        out = out.slice(0, at) + pick(FRAGMENTS) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + below(8));
        break;
      case 2:
        out = out.slice(0, at);
        break;
      case 3: {
        const pairs = out.split('&');
        pairs.splice(below(pairs.length + 1), 0, pick(pairs));
        out = pairs.join('&');
        break;
      }
      case 4: {
        const pairs = out.split('&');
        const i = below(pairs.length);
        const j = below(pairs.length);
        [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
        out = pairs.join('&');
        break;
      }
      case 5:
        out = out.replace(TOKEN, pick(['forged', '', TOKEN.slice(1), TOKEN + 'x', TOKEN.toUpperCase()]));
        break;
      case 6:
        out = `${out}&${pick(['a', 'data', 'auth', '__proto__', 'constructor'])}${'%5Bx%5D'.repeat(below(14))}=${pick(FRAGMENTS)}`;
        break;
      default:
        out = out.replace(/%5B/g, () => (rand() < 0.2 ? pick(['[', '%5b', '%5B%5B']) : '%5B'));
    }
  }
  return out;
}

function randomJson(depth: number): unknown {
  const roll = below(depth > 12 ? 6 : 9);
  if (roll === 0) return null;
  if (roll === 1) return rand() < 0.5;
  if (roll === 2) return rand() * 1e6 - 5e5;
  if (roll === 3) return pick(FRAGMENTS);
  if (roll === 4) return String(below(1000));
  if (roll === 5) return pick([TOKEN, 'x', '']);
  if (roll === 6) return Array.from({ length: below(4) }, () => randomJson(depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = below(4); i > 0; i--) object[pick(['a', 'ID', 'FIELDS', '5', '0', '__proto__', 'constructor', '\ud800', 'application_token'])] = randomJson(depth + 1);
  return object;
}

function jsonDelivery(): string {
  if (rand() < 0.1) return `{"a":${'['.repeat(500 + below(3000))}${']'.repeat(below(2) ? 0 : 3500)}}`;
  const value: Record<string, unknown> = {
    event: pick(['ONCRMDEALUPDATE', 'ONAPPINSTALL', 'ONCRMDEALADD', 'x']),
    data: rand() < 0.5 ? { FIELDS: { ID: pick(['1', FAIL_MARK, 5, 'a']) } } : randomJson(0),
    ts: pick(['1', 1, 'x']),
    auth: rand() < 0.8 ? authBlock(rand() < 0.3 ? { application_token: 'forged' } : {}) : randomJson(0),
  };
  if (rand() < 0.3) value[pick(['__proto__', 'constructor', 'extra'])] = randomJson(0);
  const text = JSON.stringify(value);
  return rand() < 0.3 ? mutate(text) : text;
}

interface Input {
  method: unknown;
  contentType: unknown;
  body: string | Uint8Array;
}

function input(): Input {
  const json = rand() < 0.2;
  let body = json ? jsonDelivery() : rand() < 0.1 ? encodeForm({ a: randomJson(0) as never }) : mutate(pick(BASES));
  if (!json && rand() < 0.05) body = pick(['', '&', '%', '+'.repeat(5000), `${'['.repeat(3000)}=1`]);
  const method = rand() < 0.95 ? 'POST' : pick(['GET', 'post', undefined, 5, '']);
  const contentType =
    rand() < 0.9
      ? json
        ? 'application/json'
        : 'application/x-www-form-urlencoded'
      : pick(['text/plain', 'application/x-www-form-urlencoded; charset=UTF-8', 'APPLICATION/JSON', undefined, 7, ['a']]);
  return { method, contentType, body: rand() < 0.3 ? Buffer.from(body) : body };
}

interface Rig {
  receiver: Receiver;
  ran: B24Event[];
  logs: string[];
}

function rig(kind: 'token' | 'store'): Rig {
  const ran: B24Event[] = [];
  const logs: string[] = [];
  const logger = {
    warn: (message: string, details?: object) => void logs.push(message + JSON.stringify(details ?? {})),
    error: (message: string, details?: object) => void logs.push(message + JSON.stringify(details ?? {})),
  };
  const receiver =
    kind === 'token'
      ? createReceiver({ token: TOKEN, logger, timeouts: { handlersMs: 2000, dependencyMs: 2000 } })
      : createReceiver({ tokenStore: createMemoryTokenStore({ [MEMBER_ID]: TOKEN }), install: 'trust-first-use', logger });
  receiver.onAny((event) => {
    ran.push(event);
    if (JSON.stringify(event.raw).includes(FAIL_MARK)) throw new Error('handler failed on purpose');
  });
  return { receiver, ran, logs };
}

/** Whether a string under a key that is not a secret's (or a key itself) contains `secret`. */
function shownInTree(value: unknown, secret: string): boolean {
  if (typeof value === 'string') return value.includes(secret);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => key.includes(secret) || (!isSecretKey(key) && shownInTree(item, secret)));
}

/**
 * The body itself puts `secret` where it is not a secret (a mutation moved it into another
 * field's value or a key): it may then show, as any other data does.
 */
function exposedByBody(body: string, json: boolean, secret: string): boolean {
  try {
    return shownInTree(json ? JSON.parse(body) : parseForm(body, { maxDepth: 64, maxParams: 100_000 }), secret);
  } catch {
    // Refused bodies show only what the scan reads (member id, domain, event) in the log.
    return body.split('&').some((pair) => {
      const text = unescape(pair.replaceAll('+', ' '));
      const equals = text.indexOf('=');
      const key = equals === -1 ? text : text.slice(0, equals);
      const value = equals === -1 ? '' : text.slice(equals + 1);
      return key.includes(secret) || (value.includes(secret) && !(isSecretKey(key.replace(/^.*\[|\]$/g, '')) && value === secret));
    });
  }
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function views(event: B24Event): string[] {
  return [JSON.stringify(event), inspect(event, { depth: null }), JSON.stringify({ ...event }), inspect({ ...event }, { depth: null }), JSON.stringify(event.data)];
}

describe(`fuzzing receiver.handle (${CASES} inputs, seed ${SEED})`, () => {
  it('never rejects, never 5xx without a failing handler, never runs a handler for a refusal, never shows a secret', async () => {
    const rigs = [rig('token'), rig('store')];
    const statuses = new Map<number, number>();
    for (let n = 0; n < CASES; n++) {
      const request = input();
      const target = rigs[n % rigs.length]!;
      target.ran.length = 0;
      target.logs.length = 0;
      const context = () => `input ${n} (seed ${SEED}): ${JSON.stringify(String(request.body).slice(0, 300))}`;
      let result: B24HandleResult;
      try {
        result = await target.receiver.handle(request as never);
      } catch (error) {
        throw new Error(`handle() rejected on ${context()}: ${String(error)}`);
      }
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      const bodyText = typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString();
      const failedOnPurpose = result.error?.code === 'HANDLER_FAILED' && target.ran.length > 0 && bodyText.includes(FAIL_MARK);
      if (result.status >= 500 && !failedOnPurpose) throw new Error(`${result.status} ${result.error?.code} on ${context()}`);
      if (result.status === 200) {
        if (target.ran.length !== 1) throw new Error(`accepted without its handler on ${context()}`);
      } else if (result.status !== 500 && target.ran.length > 0) {
        throw new Error(`a handler ran for a refused body on ${context()}`);
      }
      const shown = [JSON.stringify(result.body), ...target.logs, ...(result.event ? views(result.event) : [])].join('\n');
      for (const secret of SECRETS) {
        if (shown.includes(secret) && !exposedByBody(bodyText, request.contentType === 'application/json' || request.contentType === 'APPLICATION/JSON', secret)) {
          const at = shown.indexOf(secret);
          throw new Error(`secret shown (…${shown.slice(Math.max(0, at - 120), at)}…) on ${context()}`);
        }
      }
      if ((Object.prototype as Record<string, unknown>).x !== undefined || Object.getOwnPropertyNames(Object.prototype).sort().join() !== PROTOTYPE_KEYS.join()) {
        throw new Error(`Object.prototype changed on ${context()}`);
      }
    }
    // The generator must reach both sides: accepted deliveries and each kind of refusal.
    expect(statuses.get(200)).toBeGreaterThan(CASES / 20);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
  }, 120_000);
});
