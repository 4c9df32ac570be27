export { createFakePortal } from './create-fake-portal.js';
export { FakePortalError } from './errors.js';
export { fakeAnswer, type FakeAnswer } from './answer.js';
export type { FakeOfflineEventInput, FakeOfflineQueue } from './offline-queue.js';
export type { FakeOfflineRecord } from './offline-record.js';
export type {
  CallAuth,
  FakePortal,
  FakePortalOptions,
  FakeRateLimit,
  FakeTokens,
  MethodContext,
  MethodHandler,
  PostEventOptions,
  PostRobotCallOptions,
  RecordedCall,
  RecordedRefresh,
} from './types.js';
export {
  bizprocOf,
  type FakeActivityLogLine,
  type FakeBizproc,
  type FakeRegisteredRobot,
  type FakeRobotReply,
  type PostRobotOptions,
  type PostRobotResult,
} from './bizproc.js';
