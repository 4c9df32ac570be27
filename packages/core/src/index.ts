export * from './form/index.js';
export { B24HookError, B24_ERROR_STATUS, isB24HookError, type B24HookErrorCode, type B24ErrorBody } from './errors.js';
export * from './events/index.js';
export * from './verify/index.js';
export * from './receiver/index.js';
export * from './robots/index.js';
