/**
 * One table (conformance/cases.ts), every target: receiver.handle, Express 4 and 5, Koa 2 and 3 on
 * real servers, and the same frameworks with a body parser mounted first. Every target must give
 * the answer receiver.handle gives: same status, same body (code and message), same event.
 */
import { describe } from 'vitest';
import { CASES, casesIntactThrough } from './conformance/cases.js';
import { describeReference, runLost, runTarget } from './conformance/runner.js';
import { PARSER_TARGETS, TARGETS } from './conformance/targets/index.js';

describeReference();

for (const target of TARGETS) runTarget(target, CASES);

describe('with a body parser mounted first', () => {
  for (const target of PARSER_TARGETS) runTarget(target, casesIntactThrough(target.parser!));
});

describe('what each body parser loses (lostBy) is real', () => {
  for (const target of PARSER_TARGETS) runLost(target, CASES.filter((item) => item.lostBy?.[target.parser!] !== undefined));
});
