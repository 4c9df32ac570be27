/**
 * Thrown by a method handler to answer as Bitrix24 does: `{ error, error_description }` with an
 * HTTP status (400 by default). `extra` adds top-level keys (e.g. `time` with
 * `operating_reset_at`).
 */
export class FakePortalError extends Error {
  override readonly name = 'FakePortalError';
  constructor(
    readonly code: string,
    readonly description = '',
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${description}`);
  }
}

export const notFoundMethod = () => new FakePortalError('ERROR_METHOD_NOT_FOUND', 'Method not found!', 404);
export const queryLimit = () => new FakePortalError('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503);
export const invalidCredentials = () => new FakePortalError('INVALID_CREDENTIALS', 'Invalid request credentials', 401);
export const noAuth = () => new FakePortalError('NO_AUTH_FOUND', 'Wrong authorization data', 401);
export const invalidToken = () => new FakePortalError('invalid_token', 'Unable to verify access token', 401);
export const expiredToken = () => new FakePortalError('expired_token', 'The access token provided has expired.', 401);
