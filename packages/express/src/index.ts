import './augment.js';

export {
  b24hooks,
  type B24HooksExpressOptions,
  type B24ExpressMiddleware,
  type B24ExpressRequest,
  type B24ExpressResponse,
  type B24ExpressNext,
} from './middleware.js';
export { B24HookError, isB24HookError, type B24Event, type B24HookErrorCode, type Receiver } from '@b24hooks/core';
