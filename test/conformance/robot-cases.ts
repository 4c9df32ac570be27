/**
 * Robot (and activity) calls in the conformance table: the same route, limits and token checks as
 * events. The table's receivers answer `case_robot` and `case_failing_robot`; workflows in these
 * rows do not wait (use_subscription N), so no reply is sent. Replies to a waiting workflow are
 * checked against the fake portal in test/robots-http.test.ts.
 */
import { defineRobot, parseForm, type B24RestFactory, type Receiver } from '@b24hooks/core';
import { buildRobotBody, type BuildRobotOptions } from '@b24hooks/testing';
import type { ConformanceCase, Expected } from './cases.js';

const FORM = 'application/x-www-form-urlencoded';
const MAIN = { token: 'demo4pp1ic4ti0nt0k3n000000000001', portal: { domain: 'acme.bitrix24.com', memberId: 'a223c6b3710f85df22e9377d6c4f7553' } };

export const CASE_ROBOT = defineRobot({
  code: 'case_robot',
  name: 'Conformance robot',
  properties: { phone: { type: 'string', required: true }, tries: { type: 'int' }, tags: { type: 'string', multiple: true } },
  returnProperties: { found: { type: 'bool' } },
});

/** The table's portals are not reachable: a call to one fails, as an unreachable portal's would. */
const unreachable: B24RestFactory = () => ({
  call: async (method) => {
    throw new Error(`the conformance portals answer no REST calls (${method})`);
  },
});

export const caseRobotOptions = { rest: unreachable };

export function registerCaseRobots(receiver: Receiver): void {
  receiver.onRobot(CASE_ROBOT, (call) => ({ found: call.properties.phone !== '' }));
  receiver.onRobot('case_failing_robot', () => {
    throw new Error('the case handler fails');
  });
}

function robotRequest(code: string, options: BuildRobotOptions = {}, values: Record<string, unknown> = { phone: '+49 30 1234567', tries: 2, tags: ['a', 'b'] }) {
  const body = buildRobotBody(code === CASE_ROBOT.code ? CASE_ROBOT : code, values, { token: MAIN.token, portal: MAIN.portal, useSubscription: 'N', ...options });
  return { method: 'POST', headers: { 'content-type': FORM }, body };
}

const ok: Expected = { status: 200 };

export const ROBOT_CASES: readonly ConformanceCase[] = [
  { name: 'robot call (workflow does not wait)', setup: 'token', request: robotRequest(CASE_ROBOT.code), expect: ok },
  {
    name: 'robot call with multi-line text and an unknown property',
    setup: 'token',
    request: robotRequest(CASE_ROBOT.code, {}, { phone: 'line 1\nline 2 & €', extra: 'kept' }),
    expect: ok,
  },
  { name: 'robot call from the rotation set-up with the new token', setup: 'rotation', request: robotRequest(CASE_ROBOT.code, { token: 'rotat10nn3wt0k3n0000000000000002' }), expect: ok },
  { name: 'robot call with a code that has no handler', setup: 'token', request: robotRequest('nobody_home'), expect: { status: 404, code: 'UNKNOWN_ROBOT' } },
  { name: 'robot call with a forged token', setup: 'token', request: robotRequest(CASE_ROBOT.code, { token: 'f0rg3dt0k3n000000000000000000666' }), expect: { status: 401, code: 'TOKEN_MISMATCH' } },
  {
    name: 'robot call with an unknown code and a forged token (the token is checked first)',
    setup: 'token',
    request: robotRequest('nobody_home', { token: 'f0rg3dt0k3n000000000000000000666' }),
    expect: { status: 401, code: 'TOKEN_MISMATCH' },
  },
  { name: 'robot call from a portal the token store does not know', setup: 'store', request: robotRequest(CASE_ROBOT.code), expect: { status: 401, code: 'UNKNOWN_PORTAL' } },
  { name: 'robot call whose handler fails', setup: 'token', request: robotRequest('case_failing_robot'), expect: { status: 500, code: 'HANDLER_FAILED' } },
  {
    name: 'robot call as JSON (for tools and proxies)',
    setup: 'token',
    request: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parseForm(robotRequest(CASE_ROBOT.code).body)) },
    expect: ok,
  },
  {
    name: 'robot call over the parameter limit (2,000 properties)',
    setup: 'token',
    request: robotRequest(CASE_ROBOT.code, {}, { phone: 'x', ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`p${i}`, String(i)])) }),
    expect: { status: 400, code: 'MALFORMED_BODY' },
    lostBy: {
      'urlencoded-flat': 'body-parser refuses more than 1,000 parameters with its own 413 answer',
      'urlencoded-extended': 'body-parser refuses more than 1,000 parameters with its own 413 answer',
      'koa-bodyparser': '@koa/bodyparser (qs) keeps only the first 1,000 parameters',
    },
  },
  {
    name: 'robot call without a code',
    setup: 'token',
    request: { ...robotRequest(CASE_ROBOT.code), body: robotRequest(CASE_ROBOT.code).body.replace('&code=case_robot', '') },
    expect: { status: 400, code: 'INVALID_EVENT' },
  },
];
