/** Keys whose values are secrets, compared without case and underscores. */
const SECRET_KEYS = new Set(['applicationtoken', 'accesstoken', 'refreshtoken', 'eventtoken']);

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
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
