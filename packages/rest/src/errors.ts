/** Codes the client gives failures that are not Bitrix24's own answers. */
export type B24RestClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE' | 'NO_CREDENTIALS' | 'REFRESH_FAILED';

export interface B24RestErrorOptions {
  status?: number;
  description?: string;
  method?: string;
  /** When the portal said the method may be called again (`time.operating_reset_at`). */
  retryAt?: Date;
  cause?: unknown;
}

/**
 * A failed REST call: Bitrix24's `error` as `code` (`QUERY_LIMIT_EXCEEDED`, `expired_token`,
 * `NOT_FOUND`…, or one of the client's own codes for network failures and timeouts), its
 * `error_description` as `description` (kept even when `error` is empty), the HTTP status and
 * the method. Messages and causes never hold a token or a webhook secret.
 */
export class B24RestError extends Error {
  override readonly name = 'B24RestError';
  readonly code: string;
  readonly status: number;
  readonly description: string;
  readonly method: string;
  readonly retryAt?: Date;

  constructor(code: string, message: string, options: B24RestErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 0;
    this.description = options.description ?? '';
    this.method = options.method ?? '';
    if (options.retryAt !== undefined) this.retryAt = options.retryAt;
  }
}

export function isB24RestError(value: unknown): value is B24RestError {
  return value instanceof B24RestError;
}

/** The error for a Bitrix24 error body (`{ error, error_description }`). */
export function portalError(method: string, status: number, code: string, description: string, retryAt?: Date): B24RestError {
  const label = code === '' ? `HTTP ${status}` : code;
  const detail = description === '' ? '' : `: ${description}`;
  return new B24RestError(code, `${method} failed with ${label}${detail}`, {
    status,
    description,
    method,
    ...(retryAt ? { retryAt } : {}),
  });
}
