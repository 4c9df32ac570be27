export {
  buildEventBody,
  buildEventForm,
  fixtureFor,
  type AuthPatch,
  type B24Fixture,
  type BuildEventOptions,
  type BuildableEventName,
  type DataPatch,
} from './build.js';
export { fixtures, resolveFixture, type ResolvedFixture } from './fixtures.js';
export type { EventFixture } from './fixture-types.js';
export { FIXTURE_HANDLER_ID, FIXTURE_OAUTH, FIXTURE_PORTAL, FIXTURE_TOKEN, FIXTURE_TS } from './defaults.js';
export { sendEvent, postBody, checkUrl, FORM_CONTENT_TYPE, type SendOptions, type SendResult } from './send.js';
export { B24TestingError, type B24TestingErrorCode } from './errors.js';
export {
  buildRobotBody,
  buildRobotForm,
  FIXTURE_EVENT_TOKEN,
  FIXTURE_WORKFLOW_ID,
  type BuildRobotOptions,
  type RobotValues,
} from './build-robot.js';
export * from './fake-portal/index.js';
