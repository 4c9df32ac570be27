/**
 * One error contract for every way a request can be refused. Adapters never invent statuses:
 * they answer with `status` and `toErrorBody()` of the error core produced.
 */
export const B24_ERROR_STATUS = {
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  MALFORMED_BODY: 400,
  INVALID_EVENT: 400,
  TOKEN_MISSING: 401,
  UNKNOWN_PORTAL: 401,
  TOKEN_MISMATCH: 401,
  HANDLER_FAILED: 500,
  UNKNOWN_ROBOT: 404,
  DEPENDENCY_TIMEOUT: 503,
  HANDOFF_FAILED: 503,
} as const;

export type B24HookErrorCode = keyof typeof B24_ERROR_STATUS;

export interface B24ErrorBody {
  error: { code: B24HookErrorCode; message: string };
}

// A CommonJS and an ESM copy of core can both load in one app (a CommonJS Nest app importing an
// ESM-only helper, say). Each copy has its own class, so `instanceof` checks the brand both share
// through the global symbol registry instead of the prototype chain.
const BRAND = Symbol.for('b24hooks.B24HookError');

export class B24HookError extends Error {
  static override [Symbol.hasInstance](value: unknown): value is B24HookError {
    if (this !== B24HookError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  readonly code: B24HookErrorCode;
  readonly status: number;
  /** Lets Express's and Koa's default error handlers show the message instead of a generic 500 text. */
  readonly expose: boolean;

  constructor(code: B24HookErrorCode, message: string, options?: { cause?: unknown }) {
    // A refusal (4xx) is an answer, not a bug: its stack trace would say nothing and capturing it
    // costs more than refusing a forged request, so only 5xx errors keep one.
    const stackTraceLimit = Error.stackTraceLimit;
    if (B24_ERROR_STATUS[code] < 500) Error.stackTraceLimit = 0;
    try {
      super(message, options);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = 'B24HookError';
    this.code = code;
    this.status = B24_ERROR_STATUS[code];
    this.expose = this.status < 500;
  }

  get statusCode(): number {
    return this.status;
  }

  toErrorBody(): B24ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
// On the prototype, not the instance: nothing extra shows in util.inspect or JSON.stringify.
Object.defineProperty(B24HookError.prototype, BRAND, { value: true });

export function isB24HookError(value: unknown): value is B24HookError {
  return value instanceof B24HookError;
}
