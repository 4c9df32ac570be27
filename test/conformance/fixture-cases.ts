/**
 * Every registry event's fixture (from @b24hooks/testing) as a delivery to the `token` receiver:
 * DESIGN asks that each one gets the same event and status through every adapter.
 */
import { B24_EVENT_NAMES } from '@b24hooks/core';
import { FIXTURE_PORTAL, buildEventBody } from '@b24hooks/testing';
import { FORM, TOKENS, type ConformanceCase } from './cases.js';

export const FIXTURE_CASES: readonly ConformanceCase[] = B24_EVENT_NAMES.map((name) => ({
  name: `fixture: ${name}`,
  setup: 'token',
  request: { method: 'POST', headers: { 'content-type': FORM }, body: buildEventBody(name as never, { token: TOKENS.main }) },
  expect: { status: 200, event: { name, memberId: FIXTURE_PORTAL.memberId, domain: FIXTURE_PORTAL.domain } },
}));
