/**
 * One table (conformance/cases.ts), every target: receiver.handle, Express 4 and 5, Koa 2 and 3 on
 * real servers, and the same frameworks with a body parser mounted first. Every target must give
 * the answer receiver.handle gives: same status, same body (code and message), same event. The
 * plain targets also get every registry event's fixture.
 */
import { describe } from 'vitest';
import { CASES, casesIntactThrough } from './conformance/cases.js';
import { FIXTURE_CASES } from './conformance/fixture-cases.js';
import { ROBOT_CASES } from './conformance/robot-cases.js';
import { describeReference, runLost, runTarget } from './conformance/runner.js';
import { PARSER_TARGETS, TARGETS } from './conformance/targets/index.js';

describeReference([...CASES, ...ROBOT_CASES, ...FIXTURE_CASES]);

for (const target of TARGETS) runTarget(target, [...CASES, ...ROBOT_CASES, ...FIXTURE_CASES]);

describe('with a body parser mounted first', () => {
  for (const target of PARSER_TARGETS) runTarget(target, [...casesIntactThrough(target.parser!), ...ROBOT_CASES.filter((item) => item.lostBy?.[target.parser!] === undefined)]);
});

describe('what each body parser loses (lostBy) is real', () => {
  for (const target of PARSER_TARGETS) runLost(target, CASES.filter((item) => item.lostBy?.[target.parser!] !== undefined));
});
