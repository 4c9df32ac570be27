import type { B24RestError } from './errors.js';

/** Codes the portal answers when a call may simply be made again later. */
const LIMIT_CODES = new Set(['QUERY_LIMIT_EXCEEDED', 'OPERATION_TIME_LIMIT']);
const NETWORK_CODES = new Set(['NETWORK_ERROR', 'TIMEOUT']);

const READ_SUFFIX = /\.(get|list|fields|search|info|current|getlist|userfield\.list)$/i;
const READ_METHODS = new Set(['app.info', 'server.time', 'profile', 'scope', 'methods', 'method.get', 'feature.get', 'user.current', 'user.admin', 'access.name']);

// Named like reads, but they change state: event.offline.get removes what it returns (clear=1).
const NOT_READS = new Set(['event.offline.get']);

/** A method that only reads, so repeating it after a network failure cannot do anything twice. */
export function isReadMethod(method: string): boolean {
  const name = method.toLowerCase();
  if (NOT_READS.has(name)) return false;
  return READ_METHODS.has(name) || READ_SUFFIX.test(name);
}

export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** How long to wait before attempt `attempt + 1`, or undefined when the error is final. */
export function retryDelay(error: B24RestError, attempt: number, policy: RetryPolicy, readOnly: boolean, now = Date.now()): number | undefined {
  if (attempt >= policy.retries) return undefined;
  const limited = LIMIT_CODES.has(error.code);
  if (!limited && !(readOnly && NETWORK_CODES.has(error.code))) return undefined;
  // Full jitter over an exponential ceiling: callers that failed together spread out.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  let delay = ceiling / 2 + Math.random() * (ceiling / 2);
  if (error.retryAt !== undefined) delay = Math.max(delay, error.retryAt.getTime() - now);
  return delay;
}
