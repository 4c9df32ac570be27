/**
 * PHP's `http_build_query($value)` with its defaults: RFC 1738 escaping (`+` for space), `&`
 * between pairs, brackets escaped, `true`/`false` as `1`/`0`, `null` and empty arrays left out.
 * Keys come in the order the JS object holds them.
 */
export function encodeForm(value: Record<string, unknown>): string {
  const pairs: string[] = [];
  appendPairs(pairs, value, null, new Set());
  return pairs.join('&');
}

function appendPairs(pairs: string[], container: object, prefix: string | null, seen: Set<object>): void {
  if (seen.has(container)) throw new TypeError('encodeForm cannot encode a value that contains itself');
  seen.add(container);
  const record = container as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === null || item === undefined) continue;
    const name = prefix === null ? urlencode(key) : `${prefix}%5B${urlencode(key)}%5D`;
    if (typeof item === 'object' && !(item instanceof Date)) {
      appendPairs(pairs, item, name, seen);
    } else {
      pairs.push(`${name}=${urlencode(scalarToString(item, name))}`);
    }
  }
  seen.delete(container);
}

function scalarToString(value: unknown, name: string): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? '1' : '0';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : formatPhpFloat(value);
    default:
      throw new TypeError(`encodeForm cannot encode ${describe(value)} at ${decodeURIComponent(name)}: convert it to a string first`);
  }
}

function describe(value: unknown): string {
  return value instanceof Date ? 'a Date' : `a ${typeof value}`;
}

const UNRESERVED = /^[A-Za-z0-9_.-]*$/;
const EXTRA_ESCAPES: Record<string, string> = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '*': '%2A', '~': '%7E', '%20': '+' };

/** PHP's `urlencode`: only letters, digits and `-_.` stay; space becomes `+`. */
export function urlencode(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text.toWellFormed()).replace(/[!'()*~]|%20/g, (match) => EXTRA_ESCAPES[match]!);
}

const PHP_FLOAT_DIGITS = 14;

/** PHP prints floats in query strings with `precision` (14) significant digits, like `%.14G`. */
export function formatPhpFloat(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential(PHP_FLOAT_DIGITS - 1).split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '');
  const exponent = Number(exponentText);
  const pointAt = exponent + 1;
  if (pointAt < -3 || pointAt > PHP_FLOAT_DIGITS) {
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (digits.length <= pointAt) return sign + digits + '0'.repeat(pointAt - digits.length);
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
