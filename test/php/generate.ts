/**
 * Seeded generator of nested values for the PHP differential suite: what Bitrix24 sends and much
 * that it never sends (punctuation and brackets in keys, sparse, negative and 64-bit keys,
 * Unicode, control characters, big strings), so that the codec is checked where PHP is odd.
 * Values are plain JSON (no undefined, no lone surrogates) so they reach PHP unchanged.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast and good enough to drive a generator; same seed, same values. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => items[int(0, items.length - 1)]!,
  };
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const MAX_DEPTH = 8;
const BIG_STRING_MAX = 64 * 1024;

const LATIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const CYRILLIC = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ';
const CJK = '中文字符测试日本語漢字한국어';
const EMOJI = ['😀', '🎉', '👍🏽', '🇷🇺', '👨‍👩‍👧', '❤️', '🔥', '𝔘'];
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const WHITESPACE = [' ', '\t', '\n', '\r', '\r\n'];
const BITRIX_KEYS = ['event', 'data', 'FIELDS', 'ID', 'BOT', 'PARAMS', 'USER', 'auth', 'FIELDS_BEFORE', 'FIELDS_AFTER', 'MESSAGE', 'TITLE', 'ts'];
const NUMERIC_KEYS = ['0', '1', '2', '3', '5', '9', '10', '17', '100', '1000', '2147483648', '4294967295', '4294967296'];
const NEGATIVE_KEYS = ['-1', '-2', '-5', '-17', '-1000'];
const INT64_KEYS = ['9223372036854775807', '9223372036854775806', '-9223372036854775808', '9223372036854775808', '12345678901234567', '9007199254740993'];
/** Decimal-looking keys that PHP keeps as strings. */
const NON_CANONICAL_KEYS = ['007', '-0', '+5', '1.5', '1e3', ' 5', '5 ', '0x1A', '00', '-'];
/** Never generated: parseForm refuses them on purpose (see form-parse tests), PHP accepts them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function text(random: Random, alphabet: string, length: number): string {
  const chars = Array.from(alphabet);
  let out = '';
  for (let i = 0; i < length; i++) out += random.pick(chars);
  return out;
}

/** A string mixing every kind of character the suite cares about. */
function mixedString(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const kind = random.int(0, 9);
    if (kind <= 2) out += text(random, LATIN, 1);
    else if (kind === 3) out += text(random, CYRILLIC, 1);
    else if (kind === 4) out += text(random, CJK, 1);
    else if (kind === 5) out += random.pick(EMOJI);
    else if (kind <= 7) out += text(random, PUNCTUATION, 1);
    else if (kind === 8) out += random.pick(WHITESPACE);
    else out += random.chance(0.1) ? '\u0000' : String(random.int(0, 9));
  }
  return out;
}

function bigString(random: Random): string {
  const unit = mixedString(random, random.int(1, 64));
  const target = random.int(1024, BIG_STRING_MAX);
  let out = unit;
  while (out.length * 2 <= target) out += out;
  return out.slice(0, target).replace(/[\uD800-\uDBFF]$/, ''); // never cut a surrogate pair
}

function key(random: Random): string {
  const roll = random.next();
  let out: string;
  if (roll < 0.35) out = text(random, LATIN, random.int(1, 10));
  else if (roll < 0.45) out = random.pick(BITRIX_KEYS);
  else if (roll < 0.55) out = random.pick(NUMERIC_KEYS);
  else if (roll < 0.6) out = random.pick(NEGATIVE_KEYS);
  else if (roll < 0.62) out = random.pick(INT64_KEYS);
  else if (roll < 0.65) out = random.pick(NON_CANONICAL_KEYS);
  else if (roll < 0.73) out = text(random, random.pick([CYRILLIC, CJK, EMOJI.join('')]), random.int(1, 6));
  else if (roll < 0.97) out = mixedString(random, random.int(1, 8));
  else out = '';
  return FORBIDDEN_KEYS.has(out) ? `${out}_` : out;
}

function number(random: Random): number {
  const roll = random.next();
  if (roll < 0.5) return random.int(-1000, 100000);
  if (roll < 0.6) return random.int(0, 2 ** 31) * 2 ** 21 + random.int(0, 2 ** 21); // past 2^53, still int64
  if (roll < 0.65) return random.pick([0, -0, 2 ** 53, 2 ** 62, 2 ** 63, -(2 ** 63), 1e21, 1e300]);
  if (roll < 0.75) return random.int(1, 10 ** 14) + 0.5; // 15 digits ending in 5: PHP rounds half to even
  if (roll < 0.85) return (random.next() - 0.5) * 10 ** random.int(-10, 30);
  return random.pick([0.1, 0.2 + 0.1, 1 / 3, 2.5e-5, 1e-5, 5e-324, 1.7976931348623157e308, 123.456]);
}

function leaf(random: Random): Json {
  const roll = random.next();
  if (roll < 0.45) return mixedString(random, random.int(0, 24));
  if (roll < 0.55) return '';
  if (roll < 0.75) return number(random);
  if (roll < 0.85) return random.chance(0.5);
  if (roll < 0.9) return null;
  if (roll < 0.995) return text(random, LATIN, random.int(1, 16));
  return bigString(random);
}

function container(random: Random, depth: number): Json {
  const roll = random.next();
  const size = random.int(0, depth < 3 ? 5 : 3);
  if (roll < 0.3) return Array.from({ length: size }, () => value(random, depth + 1));
  const out: JsonObject = {};
  const numeric = roll < 0.5;
  for (let i = 0; i < size; i++) {
    const name = numeric ? random.pick(random.chance(0.8) ? NUMERIC_KEYS : NEGATIVE_KEYS) : key(random);
    out[name] = value(random, depth + 1);
  }
  return out;
}

function value(random: Random, depth: number): Json {
  const nestChance = depth >= MAX_DEPTH ? 0 : 0.45 - depth * 0.05;
  return random.chance(nestChance) ? container(random, depth) : leaf(random);
}

/** Shaped like a Bitrix24 delivery, with random content where Bitrix24 puts its data. */
function delivery(random: Random): JsonObject {
  const botId = String(random.int(1, 5000));
  return {
    event: random.pick(['ONCRMDEALUPDATE', 'ONIMBOTMESSAGEADD', 'CATALOG.PRODUCT.ON.ADD', 'ONCRMDYNAMICITEMADD_147']),
    event_handler_id: String(random.int(1, 999)),
    data: { FIELDS: { ID: String(random.int(1, 99999)) }, BOT: { [botId]: { BOT_ID: botId, extra: value(random, 3) } }, PARAMS: value(random, 2) },
    ts: String(1_700_000_000 + random.int(0, 1e8)),
    auth: {
      domain: 'example.bitrix24.ru',
      client_endpoint: 'https://example.bitrix24.ru/rest/',
      server_endpoint: 'https://oauth.bitrix.info/rest/',
      member_id: text(random, '0123456789abcdef', 32),
      application_token: text(random, '0123456789abcdef', 32),
    },
  };
}

/** One top-level value: always an object, as a form body is. */
export function generateValue(random: Random): JsonObject {
  if (random.chance(0.1)) return delivery(random);
  const out: JsonObject = {};
  const size = random.int(1, 6);
  for (let i = 0; i < size; i++) out[key(random)] = value(random, 1);
  return out;
}

export function generateValues(seed: number, count: number): JsonObject[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => generateValue(random));
}
