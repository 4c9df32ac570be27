import './augment.js';

export { b24hooks, type B24HooksKoaOptions, type B24KoaMiddleware } from './middleware.js';
export { B24HookError, isB24HookError, type B24Event, type B24HookErrorCode, type Receiver } from '@b24hooks/core';
