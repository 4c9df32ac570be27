import { decodeComponent } from '../form/decode.js';

/** What a body says about who sent it, read without building the tree. */
export interface Credentials {
  memberId?: string;
  token?: string;
  /** The event name, as the parse will read it. */
  event?: string;
}

const TOKEN_KEY = 'auth[application_token]';
const NOT_AMPERSAND = /[^&]/g;
const LEADING_SPACES = /(?:\+|%20| )*/y;
const MEMBER_KEY = 'auth[member_id]';

/**
 * Reads `auth[member_id]`, `auth[application_token]` and `event` straight from a raw body, so a
 * forged request costs a scan instead of a parse. It reads them as PHP does, under every spelling
 * PHP reads (brackets raw or escaped in either case, escaped letters, leading spaces, a NUL or
 * junk after the closing bracket), the last one winning, so a refusal on what it read is the
 * parse's refusal too. Only keys that can decode to these (their first character is `a`, `e`, a
 * space or an escape) are decoded; acceptance always re-checks the parsed body.
 */
export function scanCredentials(body: string): Credentials {
  const found: Found = {};
  const length = body.length;
  for (let start = 0; start < length; ) {
    // Runs of `&` are empty pairs: one search skips them all.
    if (body.charCodeAt(start) === 0x26) {
      NOT_AMPERSAND.lastIndex = start;
      if (!NOT_AMPERSAND.test(body)) break;
      start = NOT_AMPERSAND.lastIndex - 1;
    }
    let end = body.indexOf('&', start);
    if (end === -1) end = length;
    const first = body.charCodeAt(start);
    // a, e, %, +, space: every other first character decodes to a key none of the three can be.
    if (first === 0x61 || first === 0x65 || first === 0x25 || first === 0x2b || first === 0x20) readPair(body, start, end, found);
    start = end + 1;
  }
  // Only the last value of each is decoded: a body repeating the key costs no decoding per repeat.
  const credentials: Credentials = {};
  for (const field of ['token', 'memberId', 'event'] as const) {
    const at = found[field];
    const value = at === undefined ? undefined : at.from === at.to ? '' : decoded(body.slice(at.from, at.to));
    if (value !== undefined) credentials[field] = value;
  }
  return credentials;
}

/** Where the last value of each field is, in the raw body. */
type Found = Partial<Record<'token' | 'memberId' | 'event', { from: number; to: number }>>;

/**
 * Raw characters enough to decide: the longest key of the three fully escaped (23 × 3) plus the
 * character after it, escaped too. Longer keys are decided on their start, so a scan costs no
 * more than a glance at each key, however long the keys are.
 */
const DECIDING_CHARS = 3 * TOKEN_KEY.length + 3;

function readPair(body: string, start: number, end: number, found: Found): void {
  const equals = body.indexOf('=', start);
  const keyEnd = equals === -1 || equals > end ? end : equals;
  const key = phpKeyStart(body.slice(start, keyEnd));
  if (key === undefined) return;
  let field: 'token' | 'memberId' | 'event' | undefined;
  if (key.complete && key.text === 'event') field = 'event';
  else if (setsLeaf(key, TOKEN_KEY)) field = 'token';
  else if (setsLeaf(key, MEMBER_KEY)) field = 'memberId';
  if (field !== undefined) found[field] = keyEnd === end ? { from: end, to: end } : { from: keyEnd + 1, to: end };
}

interface KeyStart {
  /** The key's start as PHP's parser sees it: decoded, cut at a NUL, leading spaces dropped. */
  text: string;
  /** `text` is the whole key. */
  complete: boolean;
}

function phpKeyStart(raw: string): KeyStart | undefined {
  // Leading spaces (`+`, `%20`, ` `) are dropped by PHP: skip them raw, however many.
  LEADING_SPACES.lastIndex = 0;
  LEADING_SPACES.test(raw);
  const from = LEADING_SPACES.lastIndex;
  let cut = Math.min(raw.length, from + DECIDING_CHARS);
  let text = decoded(raw.slice(from, cut));
  // A cut through a multi-byte escape does not decode: back off to an earlier escape.
  while (text === undefined && cut < raw.length) {
    cut = raw.lastIndexOf('%', cut - 1);
    if (cut <= from) return undefined;
    text = decoded(raw.slice(from, cut));
  }
  if (text === undefined) return undefined;
  const nul = text.indexOf('\0');
  if (nul !== -1) return { text: text.slice(0, nul), complete: true };
  if (text.charCodeAt(0) === 0x20) text = text.replace(/^ +/, '');
  return { text, complete: cut === raw.length };
}

/** `key` sets the string `leaf` names: it starts with it, and no `[` nests deeper after it. */
function setsLeaf(key: KeyStart, leaf: string): boolean {
  return key.text.startsWith(leaf) && key.text.charCodeAt(leaf.length) !== 0x5b;
}

function decoded(text: string): string | undefined {
  try {
    return decodeComponent(text);
  } catch {
    return undefined;
  }
}

/** The value of the last pair whose key is exactly `prefix` (PHP keeps the last of duplicates). */
export function lastValue(body: string, prefix: string): string | undefined {
  let at = body.lastIndexOf(prefix);
  while (at > 0 && body.charCodeAt(at - 1) !== 0x26) at = body.lastIndexOf(prefix, at - 1);
  if (at === -1) return undefined;
  const end = body.indexOf('&', at + prefix.length);
  return decoded(body.slice(at + prefix.length, end === -1 ? undefined : end));
}
