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
  const text = phpScalarText(value);
  if (text === undefined) {
    throw new TypeError(`encodeForm cannot encode ${describe(value)} at ${decodeURIComponent(name)}: convert it to a string first`);
  }
  return text;
}

const PHP_INT_RANGE = 2 ** 63;

/**
 * A scalar as PHP writes it in a query string, given the value PHP would hold for it after
 * `json_decode` of `JSON.stringify` (how JS values reach PHP): an integral number whose JSON digits
 * fit PHP's 64-bit int is an int and keeps those digits (so -0 is "0"); any other number, -2^63
 * included (its JSON digits round away from it), is a float and gets `%.14G`. Undefined for what a
 * form cannot carry.
 */
export function phpScalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? '1' : '0';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isInteger(value) && value > -PHP_INT_RANGE && value < PHP_INT_RANGE ? String(value) : formatPhpFloat(value);
    default:
      return undefined;
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

/**
 * PHP prints floats in query strings with `precision` (14) significant digits, like `%.14G`.
 * PHP rounds the exact binary value half to even (`12345678901234.5` → `12345678901234`), where
 * `toExponential` would round half up, so the digits come from the exact decimal expansion.
 */
export function formatPhpFloat(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const { digits, pointAt } = roundHalfEven(exactDecimal(Math.abs(value)), PHP_FLOAT_DIGITS);
  if (pointAt < -3 || pointAt > PHP_FLOAT_DIGITS) {
    const exponent = pointAt - 1;
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (digits.length <= pointAt) return sign + digits + '0'.repeat(pointAt - digits.length);
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** Decimal digits (no leading zeros) of a positive finite double, the point after `pointAt` of them. */
interface Decimal {
  digits: string;
  pointAt: number;
}

/** Every digit of a positive double: it is mantissa × 2^exponent, so × 5^-exponent / 10^-exponent when negative. */
function exactDecimal(value: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const exponent = biased === 0 ? -1074 : biased - 1075;
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return { digits, pointAt: digits.length };
  }
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return { digits, pointAt: digits.length + exponent };
}

/** Keeps `count` significant digits, a tail of exactly one half rounding to the even digit; trailing zeros dropped. */
function roundHalfEven({ digits, pointAt }: Decimal, count: number): Decimal {
  if (digits.length > count) {
    const tail = digits.slice(count);
    const head = digits.slice(0, count);
    const last = head.charCodeAt(count - 1) - 0x30;
    const first = tail.charCodeAt(0);
    const up = first > 0x35 || (first === 0x35 && (/[1-9]/.test(tail.slice(1)) || last % 2 === 1));
    if (up) {
      const bumped = (BigInt(head) + 1n).toString();
      digits = bumped.length > count ? bumped.slice(0, count) : bumped;
      if (bumped.length > count) pointAt++;
    } else {
      digits = head;
    }
  }
  return { digits: digits.replace(/0+$/, ''), pointAt };
}
