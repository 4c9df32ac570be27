/**
 * The fault table, through real Express and Koa servers: a token store, install policy, handler,
 * onError or logger that throws, rejects with odd values, hangs or answers null. Each row: the
 * request gets its status and code within a bound, the process neither crashes nor leaves a
 * rejection unhandled, no secret shows, and once the fault is gone the next genuine delivery is
 * answered 200 by the same server.
 */
import { Agent } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createReceiver, type B24HookErrorCode, type TokenStore } from '@b24hooks/core';
import { buildEventBody, FIXTURE_PORTAL } from '@b24hooks/testing';
import { watchCrashes } from './support/crash-watch.js';
import { resources, settledTo } from './support/resources.js';
import { exchange } from './support/http-exchange.js';
import { HOOK_PATH, PLAIN_TARGETS } from './support/hook-servers.js';
import { FORGED, SECRETS, TOKEN } from './support/stress-requests.js';
import type { TrackedServer } from './support/tracked-server.js';

const LIMIT_MS = 80;
const ANSWER_WITHIN_MS = 3_000;
const NEW_TOKEN = 'n3wp0rt4lt0k3nn3wp0rt4lt0k3n0001';

type StoreFault = 'throws' | 'rejects null-prototype object' | 'rejects undefined' | 'rejects a string' | 'hangs' | 'returns null';
interface Fault {
  store?: StoreFault;
  install?: 'throws' | 'hangs';
  handler?: 'throws' | 'hangs' | 'rejects later' | 'slow';
  onError?: 'throws' | 'hangs';
  logger?: 'throws';
}

const never = () => new Promise<never>(() => {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Rig {
  fault: Fault | undefined;
  handled: number;
  finished: number;
  told: number;
  logs: string[];
}

function faultyReceiver(rig: Rig) {
  const memory = createMemoryTokenStore({ [FIXTURE_PORTAL.memberId]: TOKEN });
  const storeFault = () => rig.fault?.store;
  const tokenStore: TokenStore = {
    get(memberId) {
      switch (storeFault()) {
        case 'throws':
          throw new Error('the store is down');
        case 'rejects null-prototype object':
          return Promise.reject(Object.create(null));
        case 'rejects undefined':
          return Promise.reject(undefined);
        case 'rejects a string':
          return Promise.reject('ECONNREFUSED');
        case 'hangs':
          return never();
        case 'returns null':
          return Promise.resolve(null as never);
        default:
          return memory.get(memberId);
      }
    },
    set: (memberId, token, portal) => memory.set(memberId, token, portal),
    delete: (memberId, token) => memory.delete(memberId, token),
  };
  const line = (message: string, details?: object) => {
    if (rig.fault?.logger) throw new Error('the logger is broken');
    rig.logs.push(`${message} ${JSON.stringify(details ?? {})}`);
  };
  const receiver = createReceiver({
    tokenStore,
    install: async () => {
      if (rig.fault?.install) return rig.fault.install === 'throws' ? Promise.reject(new Error('the policy broke')) : never();
      return true;
    },
    logger: { warn: line, error: line },
    timeouts: { dependencyMs: LIMIT_MS, handlersMs: LIMIT_MS },
  });
  receiver.onAny(async () => {
    rig.handled++;
    const fault = rig.fault?.handler;
    if (fault === 'throws') throw new Error('the handler failed');
    if (fault === 'hangs') await never();
    if (fault === 'slow') {
      await sleep(LIMIT_MS / 2);
      rig.finished++;
    }
    if (fault === 'rejects later') {
      await sleep(20);
      throw new Error('the handler failed later');
    }
  });
  receiver.onError(async () => {
    rig.told++;
    if (rig.fault?.onError) {
      if (rig.fault.onError === 'throws') throw new Error('onError failed too');
      await never();
    }
  });
  return receiver;
}

const genuine = () => buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 5 } } });
let portals = 0;
const installOfNewPortal = () => {
  const n = String(++portals).padStart(4, '0');
  return buildEventBody('ONAPPINSTALL', { token: NEW_TOKEN, portal: { domain: `new${n}.bitrix24.com`, memberId: `feedc0de${n}${'0'.repeat(20)}` } });
};

type Row = [name: string, fault: Fault, body: () => string, status: number, code: B24HookErrorCode | undefined, told?: boolean];
const ROWS: Row[] = [
  ['token store throws', { store: 'throws' }, genuine, 500, 'HANDLER_FAILED'],
  ['token store rejects with Object.create(null)', { store: 'rejects null-prototype object' }, genuine, 500, 'HANDLER_FAILED'],
  ['token store rejects with undefined', { store: 'rejects undefined' }, genuine, 500, 'HANDLER_FAILED'],
  ['token store rejects with a string', { store: 'rejects a string' }, genuine, 500, 'HANDLER_FAILED'],
  ['token store hangs', { store: 'hangs' }, genuine, 503, 'DEPENDENCY_TIMEOUT'],
  ['token store returns null', { store: 'returns null' }, genuine, 401, 'UNKNOWN_PORTAL'],
  ['install policy throws', { install: 'throws' }, installOfNewPortal, 500, 'HANDLER_FAILED'],
  ['install policy hangs', { install: 'hangs' }, installOfNewPortal, 503, 'DEPENDENCY_TIMEOUT'],
  ['handler throws', { handler: 'throws' }, genuine, 500, 'HANDLER_FAILED', true],
  ['handler hangs', { handler: 'hangs' }, genuine, 500, 'HANDLER_FAILED', true],
  ['handler rejects later', { handler: 'rejects later' }, genuine, 500, 'HANDLER_FAILED', true],
  ['onError throws (after a handler failed)', { onError: 'throws', handler: 'throws' }, genuine, 500, 'HANDLER_FAILED', true],
  ['onError hangs (after a handler failed)', { onError: 'hangs', handler: 'throws' }, genuine, 500, 'HANDLER_FAILED', true],
  ['logger throws, on a forged request', { logger: 'throws' }, () => buildEventBody('ONCRMDEALUPDATE', { token: FORGED }), 401, 'TOKEN_MISMATCH'],
  ['logger throws, on a failing handler', { logger: 'throws', handler: 'throws' }, genuine, 500, 'HANDLER_FAILED', true],
  ['logger throws, on a hung token store', { logger: 'throws', store: 'hangs' }, genuine, 503, 'DEPENDENCY_TIMEOUT'],
  ['logger throws, on a failing token store', { logger: 'throws', store: 'rejects null-prototype object' }, genuine, 500, 'HANDLER_FAILED'],
  ['logger and onError throw, on a hung handler', { logger: 'throws', onError: 'throws', handler: 'hangs' }, genuine, 500, 'HANDLER_FAILED', true],
  ['logger throws, on a genuine delivery', { logger: 'throws' }, genuine, 200, undefined],
];

const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe.each(PLAIN_TARGETS.map((target) => [target.name, target] as const))('faults through %s', (_name, target) => {
  const rig: Rig = { fault: undefined, handled: 0, finished: 0, told: 0, logs: [] };
  let watch: ReturnType<typeof watchCrashes>;
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  let server: TrackedServer;
  let before: Map<string, number>;
  beforeAll(async () => {
    before = resources();
    server = await target.start(faultyReceiver(rig), () => {});
  });
  afterAll(async () => {
    agent.destroy();
    await server.close();
    // Hung stores, policies, handlers and onError leave no timer or socket behind once answered.
    expect(await settledTo(before, 2_000)).toEqual([]);
  });
  beforeEach(() => {
    Object.assign(rig, { fault: undefined, handled: 0, finished: 0, told: 0, logs: [] });
    watch = watchCrashes();
  });
  afterEach(() => watch.stop());

  it.each(ROWS)('%s: %j → the documented answer, and the next genuine delivery is 200', async (_row, fault, body, status, code, told) => {
    rig.fault = fault;
    const started = Date.now();
    const answer = await exchange(server.url, HOOK_PATH, post(body()), agent, ANSWER_WITHIN_MS);
    expect(answer).toMatchObject({ kind: 'answer', status });
    if (answer.kind !== 'answer') return;
    expect(Date.now() - started).toBeLessThan(LIMIT_MS * 3 + 500);
    const parsed = JSON.parse(answer.text) as unknown;
    expect(parsed).toEqual(code ? { error: { code, message: expect.any(String) } } : { ok: true });
    if (told) expect(rig.told).toBe(1);
    // Let late work (a hung handler's onError, a late rejection) settle while the fault is still on.
    await sleep(20);
    rig.fault = undefined;
    const next = await exchange(server.url, HOOK_PATH, post(genuine()), agent, ANSWER_WITHIN_MS);
    expect(next).toMatchObject({ kind: 'answer', status: 200, text: '{"ok":true}' });
    expect(watch.crashes).toEqual([]);
    const shown = [answer.text, ...rig.logs].join('\n');
    for (const secret of [...SECRETS, NEW_TOKEN]) expect(shown).not.toContain(secret);
  });

  it('a client that leaves while the handler runs: the handler finishes once, nothing is written to the closed socket, the server keeps serving', async () => {
    rig.fault = { handler: 'slow' };
    const left = await exchange(server.url, HOOK_PATH, { ...post(genuine()), transfer: { kind: 'leave', afterMs: 20 } }, false, ANSWER_WITHIN_MS);
    expect(left).toEqual({ kind: 'aborted' });
    await sleep(LIMIT_MS);
    expect(rig.handled).toBe(1);
    expect(rig.finished).toBe(1);
    rig.fault = undefined;
    expect(await exchange(server.url, HOOK_PATH, post(genuine()), agent, ANSWER_WITHIN_MS)).toMatchObject({ kind: 'answer', status: 200 });
    expect(watch.crashes).toEqual([]);
  });
});
