import { encodeForm } from '@b24hooks/core';

/** Dates as ISO 8601 text (what Bitrix24's date fields take); everything else as it is. */
function withDates(value: unknown, seen = new Set<object>()): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) throw new TypeError('REST params cannot contain themselves.');
  seen.add(value);
  const copy = Array.isArray(value) ? value.map((item) => withDates(item, seen)) : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withDates(item, seen)]));
  seen.delete(value);
  return copy;
}

/** A method's parameters as the PHP-encoded form body Bitrix24 reads. */
export function encodeParams(params: Record<string, unknown>): string {
  return encodeForm(withDates(params) as Record<string, unknown>);
}
