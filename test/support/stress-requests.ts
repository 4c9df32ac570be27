/**
 * Generated requests for the HTTP stress run: genuine deliveries (every fixture, robot calls) and
 * what hostile callers and broken proxies send, each with the answer the contract promises. Each
 * request's `ts` is unique: a handler that runs says which request it ran for.
 */
import { gzipSync } from 'node:zlib';
import { defineRobot, parseForm } from '@b24hooks/core';
import { buildEventBody, buildRobotBody, fixtures, FIXTURE_EVENT_TOKEN, FIXTURE_OAUTH, FIXTURE_TOKEN, FIXTURE_TS } from '@b24hooks/testing';
import type { Exchange } from './http-exchange.js';
import type { Random } from '../php/generate.js';

export const TOKEN = FIXTURE_TOKEN;
export const FORGED = 'f0rg3df0rg3df0rg3df0rg3df0rg3d66';
/** Every secret a genuine delivery carries: none may show in an answer or a log line. */
export const SECRETS = [TOKEN, FIXTURE_OAUTH.accessToken, FIXTURE_OAUTH.refreshToken, FIXTURE_EVENT_TOKEN];
/** A genuine delivery whose handler fails on purpose carries this deal id. */
export const FAIL_ID = 666_000;

export const STRESS_ROBOT = defineRobot({
  code: 'stress_robot',
  name: 'Stress robot',
  properties: { phone: { type: 'string', required: true }, tries: { type: 'int' } },
  returnProperties: { found: { type: 'bool' } },
});

export interface Expectation {
  /** The exact status, or '4xx' when a mutation makes the exact refusal unpredictable. */
  status: number | '4xx' | 'aborted';
  /** Whether the handler must run (once) for this request when it is answered `status`. */
  runs: boolean;
}

export interface StressRequest extends Exchange {
  kind: string;
  marker: number;
  expect: Expectation;
}

const FORM = 'application/x-www-form-urlencoded';
const EVENT_NAMES = Object.keys(fixtures).sort();
const FRAGMENTS = [
  '%', '%%', '%5', '%5B', '%5D', '%5b', '%5d', '[', ']', '&', '&&', '=', '==', '+', '%00', '%ED%A0%80', '%C3', '%FF', 'é', '👋',
  '__proto__', 'constructor', '%5F%5Fproto%5F%5F', 'auth%5Bapplication_token%5D=', 'auth[application_token]=', 'auth%5bapplication_token%5d=',
  'auth%5Bmember_id%5D=', 'event=', 'ts=abc', '%5B'.repeat(40), '['.repeat(30), 'a'.repeat(300), FORGED,
];

export function createRequestGenerator(random: Random) {
  const { next, pick } = random;
  const below = (n: number) => random.int(0, n - 1);
  let count = 0;

  const genuineEvent = (ts: number, token = TOKEN) => buildEventBody(pick(EVENT_NAMES), { token, ts });
  const genuineRobot = (ts: number, token = TOKEN) =>
    buildRobotBody(STRESS_ROBOT, { phone: '+49 30 1234567', tries: below(5) }, { token, ts, useSubscription: 'N' });
  const form = (body: string | Buffer, extra: Partial<StressRequest> = {}): Omit<StressRequest, 'kind' | 'marker' | 'expect'> => ({
    method: 'POST',
    headers: { 'content-type': FORM },
    body,
    ...extra,
  });

  function mutate(body: string): string {
    let out = body;
    for (let step = 1 + below(4); step > 0; step--) {
      const at = below(out.length + 1);
      const pairs = out.split('&');
      switch (below(6)) {
        case 0:
          out = out.slice(0, at) + pick(FRAGMENTS) + out.slice(at);
          break;
        case 1:
          out = out.slice(0, at) + out.slice(at + 1 + below(12));
          break;
        case 2:
          out = out.slice(0, at);
          break;
        case 3:
          pairs.splice(below(pairs.length + 1), 0, pick(pairs));
          out = pairs.join('&');
          break;
        case 4:
          out = `${out}&${pick(['a', 'data', 'auth', '__proto__'])}${'%5Bx%5D'.repeat(below(14))}=${pick(FRAGMENTS)}`;
          break;
        default:
          out = out.replace(/%5B/g, () => (next() < 0.2 ? pick(['[', '%5b', '%5B%5B']) : '%5B'));
      }
    }
    return out;
  }

  /** [weight, kind, build] */
  const KINDS: Array<[number, string, (ts: number) => Omit<StressRequest, 'kind' | 'marker'>]> = [
    [28, 'genuine event', (ts) => ({ ...form(genuineEvent(ts)), expect: { status: 200, runs: true } })],
    [8, 'genuine robot call', (ts) => ({ ...form(genuineRobot(ts)), expect: { status: 200, runs: true } })],
    [2, 'genuine, handler fails', (ts) => ({
      ...form(buildEventBody('ONCRMDEALUPDATE', { ts, data: { FIELDS: { ID: FAIL_ID } } })),
      expect: { status: 500, runs: true },
    })],
    [5, 'genuine as JSON', (ts) => ({
      ...form(JSON.stringify(parseForm(genuineEvent(ts), { maxDepth: 64, maxParams: 1e6 })), { headers: { 'content-type': 'application/json' } }),
      expect: { status: 200, runs: true },
    })],
    [5, 'genuine, chunked', (ts) => ({ ...form(genuineEvent(ts), { transfer: { kind: 'chunked', chunkBytes: 1 + below(200) } }), expect: { status: 200, runs: true } })],
    [3, 'genuine + a stray %', (ts) => ({ ...form(`${genuineEvent(ts)}&note=${pick(['%', '%E', '%5', '100%25+%'])}`), expect: { status: 200, runs: true } })],
    [8, 'forged token', (ts) => ({ ...form(genuineEvent(ts, FORGED)), expect: { status: 401, runs: false } })],
    [3, 'forged robot call', (ts) => ({ ...form(genuineRobot(ts, FORGED)), expect: { status: 401, runs: false } })],
    [2, 'no token', (ts) => ({ ...form(genuineEvent(ts).replace(/auth%5Bapplication_token%5D=[^&]*&?/, '')), expect: { status: 401, runs: false } })],
    [12, 'forged, mutated', (ts) => ({ ...form(mutate(next() < 0.8 ? genuineEvent(ts, FORGED) : genuineRobot(ts, FORGED))), expect: { status: '4xx', runs: false } })],
    [3, 'genuine + deep brackets', (ts) => ({ ...form(`${genuineEvent(ts)}&deep${'%5Bx%5D'.repeat(11 + below(500))}=1`), expect: { status: 400, runs: false } })],
    [3, 'genuine + 2,100 parameters', (ts) => ({
      ...form(`${genuineEvent(ts)}&${Array.from({ length: 2100 }, (_, i) => `p${i}=${i}`).join('&')}`),
      expect: { status: 400, runs: false },
    })],
    [3, 'genuine + bad UTF-8', (ts) => ({ ...form(`${genuineEvent(ts)}&note=${pick(['%FF', '%C3', '%ED%A0%80', '%C0%AF'])}`), expect: { status: 400, runs: false } })],
    [1, 'genuine + a prototype key', (ts) => ({ ...form(`${genuineEvent(ts)}&${pick(['__proto__', 'constructor', 'data%5Bprototype%5D'])}%5Bx%5D=1`), expect: { status: 400, runs: false } })],
    [3, 'hostile JSON', () => ({
      ...form(pick([`{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`, '{"event":"ONCRMDEALADD","x":"\\ud800"}', '{"event":', '[1,2]', '"x"']), {
        headers: { 'content-type': 'application/json' },
      }),
      expect: { status: 400, runs: false },
    })],
    [3, 'wrong content type', (ts) => ({ ...form(genuineEvent(ts), { headers: { 'content-type': pick(['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) } }), expect: { status: 415, runs: false } })],
    [3, 'wrong method', () => ({ ...form('', { method: pick(['GET', 'PUT', 'DELETE', 'PATCH']) }), expect: { status: 405, runs: false } })],
    [1, 'oversize body', (ts) => ({ ...form(`${genuineEvent(ts)}&pad=${'a'.repeat(1024 * 1024)}`), expect: { status: 413, runs: false } })],
    [1, 'oversize body, chunked', (ts) => ({
      ...form(`${genuineEvent(ts)}&pad=${'a'.repeat(1024 * 1024)}`, { transfer: { kind: 'chunked', chunkBytes: 64 * 1024 } }),
      expect: { status: 413, runs: false },
    })],
    [1, 'compressed body', (ts) => ({
      ...form(gzipSync(genuineEvent(ts)), { headers: { 'content-type': FORM, 'content-encoding': pick(['gzip', 'br', 'identity, gzip']) } }),
      expect: { status: 415, runs: false },
    })],
    [3, 'client leaves mid-body', (ts) => {
      const body = genuineEvent(ts);
      return { ...form(body, { transfer: { kind: 'abort', sendBytes: below(body.length - 1) } }), expect: { status: 'aborted', runs: false } };
    }],
    [1, 'empty body', () => ({ ...form(pick(['', '&', '='])), expect: { status: 400, runs: false } })],
  ];
  const total = KINDS.reduce((sum, [weight]) => sum + weight, 0);

  return function generate(): StressRequest {
    const marker = FIXTURE_TS + ++count;
    let roll = below(total);
    for (const [weight, kind, build] of KINDS) {
      if (roll < weight) return { kind, marker, ...build(marker) };
      roll -= weight;
    }
    throw new Error('unreachable');
  };
}

