export { createReceiver } from './create-receiver.js';
export { DEFAULT_TIMEOUTS, type TimeoutOptions } from './deadline.js';
export { errorResult } from './handle.js';
export { checkRequestLine } from './request-body.js';
export {
  handoffRunner,
  withoutApplicationTokens,
  type B24Handoff,
  type B24HandoffItem,
  type HandoffRunner,
} from './handoff.js';
export { handleIncoming, type IncomingSource } from './incoming.js';
export { adapterSettings, answeredBefore, answersItself, settleHandled, settleOnFinish, type B24AdapterOptions, type B24AdapterSettings } from './adapter.js';
export type {
  Receiver,
  ReceiverOptions,
  B24Request,
  B24HandleResult,
  B24HandleOptions,
  B24SuccessBody,
  B24Logger,
  B24EventHandler,
  B24ErrorHandler,
} from './types.js';
