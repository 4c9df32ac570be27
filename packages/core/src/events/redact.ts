/** Keys whose values are secrets, compared without case and underscores. */
const SECRET_KEYS = new Set(['applicationtoken', 'accesstoken', 'refreshtoken', 'eventtoken']);

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  // Every secret key ends in "token" and is 10 characters or more: most keys fail this at once.
  const last = key.charCodeAt(key.length - 1);
  if (key.length < 10 || (last !== 0x6e && last !== 0x4e)) return false;
  return SECRET_KEYS.has(key.replaceAll('_', '').toLowerCase());
}

/** A deep copy with every secret value replaced, for logs, JSON and `util.inspect`. */
export function redact<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(redact) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && item !== undefined ? REDACTED : redact(item);
  }
  return copy as T;
}

/**
 * A deep copy in which every secret is a non-enumerable property: `JSON.stringify`,
 * `util.inspect`, `Object.keys` and spread copies do not see it; `value.AUTH.access_token` still
 * reads it.
 */
export function conceal<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(conceal) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key)) Object.defineProperty(copy, key, { value: item, enumerable: false, writable: true, configurable: true });
    else copy[key] = conceal(item);
  }
  return copy as T;
}
