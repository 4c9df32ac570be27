export { B24HooksModule } from './module.js';
export {
  B24_HOOKS_OPTIONS,
  type B24HooksOptions,
  type B24HooksExtras,
  type B24HooksModuleOptions,
  type B24HooksModuleAsyncOptions,
} from './module-definition.js';
export { B24_RECEIVER, B24_EVENT_PROPERTY } from './constants.js';
export { OnB24Event, B24Event } from './decorators.js';
export { OnB24Robot } from './robot-decorator.js';
export { B24EventGuard } from './guard.js';
export { B24AnsweredException, B24RefusalException, B24RefusalFilter } from './refusal.js';
export type { B24EventName, B24EventPattern, B24EventsMatching, B24RobotCall, Receiver, ReceiverOptions } from '@b24hooks/core';
