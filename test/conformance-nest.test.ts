/**
 * The conformance table through @b24hooks/nestjs: the module route and B24EventGuard, each with
 * Nest's default body parser, rawBody: true and bodyParser: false, and a reshaping global
 * catch-all filter installed. Runs in vitest's 'main' (Nest 12) and 'nest11' projects.
 */
import { describe } from 'vitest';
import { CASES } from './conformance/cases.js';
import { FIXTURE_CASES } from './conformance/fixture-cases.js';
import { ROBOT_CASES } from './conformance/robot-cases.js';
import { describeReference, runLost, runTarget } from './conformance/runner.js';
import { lostThroughNest, NEST_TARGETS } from './conformance/targets/nest.js';

describeReference([...CASES, ...ROBOT_CASES, ...FIXTURE_CASES]);

describe('@b24hooks/nestjs: every case its set-up lets through gets the reference answer', () => {
  for (const target of NEST_TARGETS) runTarget(target, [...CASES, ...ROBOT_CASES].filter((item) => lostThroughNest(target, item) === undefined));
});

// With the raw body kept (bodyParser: false, or rawBody: true) every fixture must pass unchanged.
describe('@b24hooks/nestjs: every registry fixture, with the raw body kept', () => {
  for (const target of NEST_TARGETS.filter((item) => item.setup !== 'default body parser')) runTarget(target, FIXTURE_CASES);
});

describe("what Nest's global body parser refuses or changes is real", () => {
  for (const target of NEST_TARGETS) runLost(target, CASES.filter((item) => lostThroughNest(target, item) !== undefined));
});
