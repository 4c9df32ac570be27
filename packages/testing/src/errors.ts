/**
 * What went wrong in the test kit: `UNKNOWN_EVENT` (no registry event by that name), `BAD_URL`
 * (not an absolute http(s) URL), `CONNECTION_REFUSED` (nothing listens there), `NETWORK` (host not
 * found, connection reset, timeout).
 */
export type B24TestingErrorCode = 'UNKNOWN_EVENT' | 'BAD_URL' | 'CONNECTION_REFUSED' | 'NETWORK';

export class B24TestingError extends Error {
  override name = 'B24TestingError';
  readonly code: B24TestingErrorCode;

  constructor(code: B24TestingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
