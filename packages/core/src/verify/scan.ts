import { decodeComponent, skipSpaces } from '../form/decode.js';

/** What a body says about who sent it, read without building the tree. */
export interface Credentials {
  memberId?: string;
  token?: string;
  /** The event name, as the parse will read it. */
  event?: string;
}

const TOKEN_KEY = 'auth[application_token]';
/** The two keys as http_build_query writes them. */
const CANONICAL_TOKEN = 'auth%5Bapplication_token%5D';
const CANONICAL_MEMBER = 'auth%5Bmember_id%5D';
const NOT_AMPERSAND = /[^&]/g;
const MEMBER_KEY = 'auth[member_id]';

/**
 * Reads `auth[member_id]`, `auth[application_token]` and `event` straight from a raw body, so a
 * forged request costs a scan instead of a parse. It reads them as PHP does, under every spelling
 * PHP reads (brackets raw or escaped in either case, escaped letters, leading spaces, a NUL or
 * junk after the closing bracket), the last one winning, so a refusal on what it read is the
 * parse's refusal too. Only keys that can decode to these (their first character is `a`, `e`, a
 * space or an escape) are decoded; acceptance always re-checks the parsed body.
 */
export function scanCredentials(body: string, maxParams = Number.POSITIVE_INFINITY): Credentials {
  return scanPairs(body, 0, true, maxParams);
}

/**
 * `auth[application_token]` and `auth[member_id]` as `scanCredentials` reads them (no `event`),
 * read from the body's tail only. PHP keeps the last value of a key, and the scan the last pair
 * that sets each field: a pair spelled exactly as http_build_query writes the key (an anchor)
 * overrides every pair before it, so only the pairs from an anchor on can change that field. Bitrix24 ends the body with the auth block, `member_id` before `application_token`: the
 * scan from the member id's anchor finds both, and a refusal costs one native search and a glance
 * at a few pairs, however long the body. When no pair from there on sets the token, the scan
 * starts again from the token's anchor, or from the start of the body without one.
 */
export function scanAuth(body: string, maxParams = Number.POSITIVE_INFINITY): Credentials {
  const member = anchorPairStart(body, MEMBER_ANCHOR);
  if (member !== -1) {
    const tail = tailFrom(body, member, maxParams);
    if (tail.token !== undefined) return tail;
  }
  const token = anchorPairStart(body, TOKEN_ANCHOR);
  return token === -1 || member === -1 ? scanPairs(body, 0, false, maxParams) : tailFrom(body, Math.min(token, member), maxParams);
}

/**
 * `scanAuth` of the UTF-8 text of `bytes` (already checked to be UTF-8), converting only the
 * tail from an anchor: a pair starts after an ASCII `&`, so on a character boundary. Undefined
 * when the bytes lack an anchor the scan needs: then only the whole text can tell.
 */
export function scanAuthBytes(bytes: Buffer, maxParams = Number.POSITIVE_INFINITY): Credentials | undefined {
  const member = anchorPairStartIn(bytes, MEMBER_ANCHOR_BYTES);
  if (member === -1) return undefined;
  const tail = tailFrom(bytes.toString('utf8', member), 0, maxParams);
  if (tail.token !== undefined) return tail;
  const token = anchorPairStartIn(bytes, TOKEN_ANCHOR_BYTES);
  if (token === -1) return undefined;
  return token < member ? tailFrom(bytes.toString('utf8', token), 0, maxParams) : tail;
}

/** An anchor: `&`, a canonical key and its `=` (a pair without one is an empty value, no anchor). */
const TOKEN_ANCHOR = `&${CANONICAL_TOKEN}=`;
const MEMBER_ANCHOR = `&${CANONICAL_MEMBER}=`;
const TOKEN_ANCHOR_BYTES = Buffer.from(TOKEN_ANCHOR, 'latin1');
const MEMBER_ANCHOR_BYTES = Buffer.from(MEMBER_ANCHOR, 'latin1');

/**
 * Any anchor pair will do, not only the last: the scan from it reads the last value whatever
 * follows. The first in the body's last characters is found with a forward search (V8's
 * `lastIndexOf` compares at every position; `indexOf` skips); before them, the last one.
 */
const TAIL_WINDOW = 1024;

/** Where a pair starting with `anchor` (less its `&`) starts, or -1: the last one, or one near the end. */
function anchorPairStart(body: string, anchor: string): number {
  const window = body.length - TAIL_WINDOW;
  let at = body.indexOf(anchor, window > 0 ? window : 0);
  if (at === -1 && window > 0) at = body.lastIndexOf(anchor, window);
  if (at !== -1) return at + 1;
  return body.startsWith(anchor.slice(1)) ? 0 : -1;
}

function anchorPairStartIn(bytes: Buffer, needle: Buffer): number {
  const window = bytes.length - TAIL_WINDOW;
  let at = bytes.indexOf(needle, window > 0 ? window : 0);
  if (at === -1 && window > 0) at = bytes.lastIndexOf(needle, window);
  if (at !== -1) return at + 1;
  return bytes.length >= needle.length - 1 && bytes.compare(needle, 1, needle.length, 0, needle.length - 1) === 0 ? 0 : -1;
}

/**
 * The scan itself, from the pair starting at `from`; `event` is read only `withEvent`. A key that
 * must be decoded to be told apart costs a µs or more (1 MiB of `auth%5Bapplication_token%5&`
 * holds 38,000 of them): past `maxParams` (the parse's parameter limit) such keys the scan reads nothing (no credentials, so no
 * refusal), since each is a parameter and the parse refuses a body over its parameter limit anyway.
 */
function scanPairs(body: string, from: number, withEvent: boolean, maxParams: number): Credentials {
  // Where the last value of each field is, in the raw body (-1: not seen).
  let tokenFrom = -1;
  let tokenTo = -1;
  let memberFrom = -1;
  let memberTo = -1;
  let eventFrom = -1;
  let eventTo = -1;
  const length = body.length;
  let equals = -2; // not searched yet
  let decodes = 0;
  for (let start = from; start < length; ) {
    // Runs of `&` are empty pairs: one search skips them all.
    if (body.charCodeAt(start) === 0x26) {
      NOT_AMPERSAND.lastIndex = start;
      if (!NOT_AMPERSAND.test(body)) break;
      start = NOT_AMPERSAND.lastIndex - 1;
    }
    // A one-character key is none of the three, whatever it decodes to (1 MiB of `a&`: 524,288).
    if (body.charCodeAt(start + 1) === 0x26) {
      start += 2;
      continue;
    }
    // Short pairs (1 MiB of `ab&` is 349,525 of them) are read in place, in one pass: a search
    // costs ~7 ns a call, more than reading a few characters. A key of plain characters is its
    // own decoding, and decoding never lengthens a key: one under 5 characters is not `event`.
    const near = Math.min(length, start + SHORT_PAIR);
    let end = start + 1;
    let equalsAt = -1;
    let plain = isPlain(body.charCodeAt(start));
    for (; end < near; end++) {
      const code = body.charCodeAt(end);
      if (code === 0x26) break;
      if (equalsAt === -1) {
        if (code === 0x3d) equalsAt = end;
        else plain &&= isPlain(code);
      }
    }
    if (end < near || end === length) {
      const keyLength = (equalsAt === -1 ? end : equalsAt) - start;
      if (keyLength < 5 || (plain && (keyLength !== 5 || !body.startsWith('event', start)))) {
        start = end + 1;
        continue;
      }
    } else {
      end = body.indexOf('&', end);
      if (end === -1) end = length;
    }
    // a, e, %, +, space: every other first character decodes to a key none of the three can be.
    const first = body.charCodeAt(start);
    if (first === 0x61 || first === 0x65 || first === 0x25 || first === 0x2b || first === 0x20) {
      // One search per `=`, not per pair: pairs without one would rescan the rest of the body each.
      if (equals !== -1 && equals < start) equals = body.indexOf('=', start);
      const keyEnd = equals === -1 || equals > end ? end : equals;
      let field = writtenField(body, start, keyEnd);
      if (field === DECODE) {
        if (++decodes > maxParams) return {};
        field = decodedField(body, start, keyEnd);
      }
      if (field !== undefined) {
        const from = keyEnd === end ? end : keyEnd + 1;
        if (field === 'token') (tokenFrom = from), (tokenTo = end);
        else if (field === 'memberId') (memberFrom = from), (memberTo = end);
        else (eventFrom = from), (eventTo = end);
      }
    }
    start = end + 1;
  }
  const credentials = authAt(body, tokenFrom, tokenTo, memberFrom, memberTo);
  if (withEvent) {
    const event = valueAt(body, eventFrom, eventTo);
    if (event !== undefined) credentials.event = event;
  }
  return credentials;
}

/** Only the last value of each is decoded: a body repeating the key costs no decoding per repeat. */
function authAt(body: string, tokenFrom: number, tokenTo: number, memberFrom: number, memberTo: number): Credentials {
  const credentials: Credentials = {};
  const token = valueAt(body, tokenFrom, tokenTo);
  if (token !== undefined) credentials.token = token;
  const memberId = valueAt(body, memberFrom, memberTo);
  if (memberId !== undefined) credentials.memberId = memberId;
  return credentials;
}

/**
 * `scanPairs(body, from, false)` for a tail as http_build_query writes it, read a pair per
 * search: each pair is the canonical token or member id, or one `scanPairs` passes over on its
 * first characters (its first is none of `a`, `%`, `+` and a space, or it starts with `auth%5B`
 * and a plain character other than `a` and `m`: `auth[user_id]`, `auth[refresh_token]`…).
 * Undefined at any other pair: the general scan decides then.
 */
function canonicalTail(body: string, from: number): Credentials | undefined {
  let tokenFrom = -1;
  let tokenTo = -1;
  let memberFrom = -1;
  let memberTo = -1;
  const length = body.length;
  for (let start = from; start < length; ) {
    let end = body.indexOf('&', start);
    if (end === -1) end = length;
    // Empty and one-character pairs set nothing.
    if (end - start > 1) {
      const first = body.charCodeAt(start);
      // Comparing slices: startsWith at an offset costs several times more in V8.
      if (first === 0x61) {
        if (body.slice(start, start + 7) !== 'auth%5B') return undefined;
        const leaf = body.charCodeAt(start + 7);
        if (leaf === 0x61 || leaf === 0x6d) {
          const key = leaf === 0x61 ? CANONICAL_TOKEN : CANONICAL_MEMBER;
          const keyEnd = start + key.length;
          if (keyEnd > end || (keyEnd < end && body.charCodeAt(keyEnd) !== 0x3d) || body.slice(start, keyEnd) !== key) return undefined;
          const value = keyEnd === end ? end : keyEnd + 1;
          if (leaf === 0x61) (tokenFrom = value), (tokenTo = end);
          else (memberFrom = value), (memberTo = end);
        } else if (!isPlain(leaf)) {
          return undefined;
        }
      } else if (first === 0x25 || first === 0x2b || first === 0x20) {
        return undefined;
      }
    }
    start = end + 1;
  }
  return authAt(body, tokenFrom, tokenTo, memberFrom, memberTo);
}

/** The token and member id from the pair at `from` on: as written, or else as PHP reads them. */
function tailFrom(body: string, from: number, maxParams: number): Credentials {
  return canonicalTail(body, from) ?? scanPairs(body, from, false, maxParams);
}

/** Pairs up to this long are read a character at a time, longer ones searched. */
const SHORT_PAIR = 8;

function valueAt(body: string, from: number, to: number): string | undefined {
  if (from === -1) return undefined;
  return from === to ? '' : decoded(body.slice(from, to));
}

/**
 * Raw characters enough to decide: the longest key of the three fully escaped (23 × 3) plus the
 * character after it, escaped too. Longer keys are decided on their start, so a scan costs no
 * more than a glance at each key, however long the keys are.
 */
const DECIDING_CHARS = 3 * TOKEN_KEY.length + 3;

type Field = 'token' | 'memberId' | 'event';

/** Returned by `writtenField` for a key only its decoding tells apart. */
const DECODE = 'decode';

/** The field the key `body[start, keyEnd)` sets, if any, as far as its raw text tells. */
function writtenField(body: string, start: number, keyEnd: number): Field | undefined | typeof DECODE {
  const raw = keyEnd - start;
  // The spellings http_build_query writes, decided without decoding.
  if (body.startsWith('auth%5B', start)) {
    const leaf = body.charCodeAt(start + 7);
    if (leaf === 0x61) {
      if (raw === CANONICAL_TOKEN.length && body.startsWith(CANONICAL_TOKEN, start)) return 'token';
    } else if (leaf === 0x6d) {
      if (raw === CANONICAL_MEMBER.length && body.startsWith(CANONICAL_MEMBER, start)) return 'memberId';
    } else if (isPlain(leaf)) {
      // auth[domain], auth[scope]…: a leaf starting with neither letter.
      return undefined;
    }
  } else if (raw === 5 && body.startsWith('event', start)) {
    return 'event';
  }
  return cannotBeCredential(body, start, keyEnd) ? undefined : DECODE;
}

/** The field the key `body[start, keyEnd)` sets, if any, once decoded as PHP decodes it. */
function decodedField(body: string, start: number, keyEnd: number): Field | undefined {
  const key = phpKeyStart(body.slice(start, keyEnd));
  if (key === undefined) return undefined;
  if (key.complete && key.text === 'event') return 'event';
  if (setsLeaf(key, TOKEN_KEY)) return 'token';
  if (setsLeaf(key, MEMBER_KEY)) return 'memberId';
  return undefined;
}


/** Letters, digits and `_`: characters that decode to themselves and are no bracket, space or NUL. */
function isPlain(code: number): boolean {
  return code < 128 && PLAIN_CODES[code] === 1;
}

const PLAIN_CODES = Uint8Array.from({ length: 128 }, (_, code) =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f ? 1 : 0,
);

/** The end of the run of plain characters from `at`, at most `limit`. */
function plainRun(body: string, at: number, limit: number): number {
  while (at < limit && isPlain(body.charCodeAt(at))) at++;
  return at;
}

/** `body[from, to)` is a prefix of `word`. */
function isPrefixOf(body: string, from: number, to: number, word: string): boolean {
  return to - from <= word.length && body.startsWith(word.slice(0, to - from), from);
}

/**
 * Certain, without decoding, that the key sets none of the three: its decoded text starts with
 * its plain run as written, and that run already differs from what each of them starts with.
 * Anything less certain is left to the decoding path.
 */
function cannotBeCredential(body: string, start: number, keyEnd: number): boolean {
  // Runs are read no further than one past the longest word they are compared with.
  const run = plainRun(body, start, Math.min(keyEnd, start + 6));
  if (run === start) return false;
  // A key of plain characters only is its own decoding: `event` was matched as written already.
  if (run === keyEnd) return true;
  if (isPrefixOf(body, start, run, 'event')) return false;
  if (!isPrefixOf(body, start, run, 'auth')) return true;
  // `auth` then an escaped `[` as written by http_build_query: the leaf's plain run decides too.
  if (run - start !== 4 || !(body.startsWith('%5B', run) || body.startsWith('%5b', run))) return false;
  const leaf = run + 3;
  const leafRun = plainRun(body, leaf, Math.min(keyEnd, leaf + 18));
  if (leafRun === leaf) return false;
  return !isPrefixOf(body, leaf, leafRun, 'application_token') && !isPrefixOf(body, leaf, leafRun, 'member_id');
}

interface KeyStart {
  /** The key's start as PHP's parser sees it: decoded, cut at a NUL, leading spaces dropped. */
  text: string;
  /** `text` is the whole key. */
  complete: boolean;
}

function phpKeyStart(raw: string): KeyStart | undefined {
  // Leading spaces (`+`, `%20`, ` `) are dropped by PHP: skip them raw, however many.
  const from = skipSpaces(raw, 0);
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
