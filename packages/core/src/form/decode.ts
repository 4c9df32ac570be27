import { isUtf8 } from 'node:buffer';
import { B24HookError } from '../errors.js';

function invalidUtf8(): B24HookError {
  return new B24HookError(
    'MALFORMED_BODY',
    'The body contains bytes that are not valid UTF-8 after percent-decoding. Bitrix24 always sends UTF-8; check the sender or a proxy that re-encodes the body.',
  );
}

/** Body bytes as a Buffer over the same memory, refused if they are not UTF-8. */
export function checkUtf8(bytes: Uint8Array): Buffer {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buffer)) throw invalidUtf8();
  return buffer;
}

/** Turns body bytes into a string, refusing bytes that are not UTF-8 instead of replacing them. */
export function bytesToText(bytes: Uint8Array): string {
  return checkUtf8(bytes).toString('utf8');
}

/** A string body must be UTF-8 once sent: a lone surrogate stands for bytes that are not. */
export function checkWellFormed(text: string): string {
  if (!text.isWellFormed()) throw invalidUtf8();
  return text;
}

/**
 * PHP's `urldecode`: `+` is a space, `%XX` a byte, and a `%` that starts no escape stays as
 * written. The decoded bytes must form UTF-8, which PHP does not check but JavaScript strings need.
 */
export function decodeComponent(text: string): string {
  const percent = text.indexOf('%');
  const spaced = text.indexOf('+') === -1 ? text : replaceAscii(text, PLUS, SPACE);
  if (percent === -1) return spaced;
  // String building costs ~100 ns an escape, a byte buffer a few: long texts go straight to bytes,
  // so a body of nothing but escapes costs about what a body of letters does.
  if (spaced.length <= SHORT_TEXT) {
    const ascii = decodeAsciiEscapes(spaced, percent);
    if (ascii !== null) return ascii;
  }
  // A body can hold thousands of texts that decodeURIComponent refuses (a stray `%`, an escape
  // that is no UTF-8): each refusal would capture a stack trace no one reads, several µs apiece.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return decodeBytes(spaced, percent);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

const LEADING_SPACES = /(?:[+ ]+|%20)*/y;

/**
 * Past the `+`, ` ` and `%20` from `at`: what PHP drops from the start of a name once decoded.
 * None of them is `&` or `=`, so the run never leaves the name it starts. A sticky regex skips
 * 1 MiB of them in about 0.3 ms, 3-4x a loop over char codes.
 */
export function skipSpaces(text: string, at: number): number {
  LEADING_SPACES.lastIndex = at;
  LEADING_SPACES.test(text);
  return LEADING_SPACES.lastIndex;
}

/** `text` at `at` starts with what `skipSpaces` skips: a test cheaper than the regex call. */
export function startsWithSpace(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code === PLUS || code === SPACE || (code === 0x25 && text.charCodeAt(at + 1) === 0x32 && text.charCodeAt(at + 2) === 0x30);
}

/** Up to this length, string operations beat a round trip through a byte buffer. */
export const SHORT_TEXT = 64;
const PLUS = 0x2b;
const SPACE = 0x20;

/**
 * `text` with every ASCII `from` byte made `to`, in linear time whatever the count (`replaceAll`
 * costs ~80 ns a match). ASCII bytes never occur inside a UTF-8 sequence, so the bytes can be
 * rewritten in place; `text` must be well-formed.
 */
export function replaceAscii(text: string, from: number, to: number, alsoFrom = -1, alsoFrom2 = -1): string {
  if (text.length <= SHORT_TEXT) {
    let out = '';
    let last = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === from || code === alsoFrom || code === alsoFrom2) {
        out += text.slice(last, i) + String.fromCharCode(to);
        last = i + 1;
      }
    }
    return last === 0 ? text : out + text.slice(last);
  }
  // ASCII text (the usual case) takes the cheaper latin1 copies both ways.
  const encoding = Buffer.byteLength(text, 'utf8') === text.length ? 'latin1' : 'utf8';
  const bytes = Buffer.from(text, encoding);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === from || byte === alsoFrom || byte === alsoFrom2) bytes[i] = to;
  }
  return bytes.toString(encoding);
}

/**
 * The common case, keys like `data%5BFIELDS%5D%5BID%5D`, twice as fast as `decodeURIComponent`:
 * escapes of ASCII bytes, and stray `%`, which stay as written. Null when a byte of 0x80 or more
 * needs the UTF-8 decoder.
 */
function decodeAsciiEscapes(text: string, first: number): string | null {
  let out = '';
  let last = 0;
  for (let at = first; at !== -1; ) {
    const high = hexValue(text.charCodeAt(at + 1));
    const low = hexValue(text.charCodeAt(at + 2));
    if (high < 0 || low < 0) {
      at = text.indexOf('%', at + 1);
      continue;
    }
    if (high > 7) return null;
    out += text.slice(last, at) + String.fromCharCode(high * 16 + low);
    last = at + 3;
    at = text.indexOf('%', last);
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Hex digit values by character code, -1 for anything else. */
const HEX = Int8Array.from({ length: 128 }, (_, code) => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
});

function hexValue(code: number): number {
  return code < 128 ? HEX[code]! : -1;
}

/** The same by byte. */
const HEX_BYTE = Int8Array.from({ length: 256 }, (_, byte) => (byte < 128 ? HEX[byte]! : -1));

/**
 * Every escape and stray `%` at once, rewriting the text's own UTF-8 bytes in place (an escape's
 * byte is written where its `%` was read, so writing never overtakes reading), then checked as UTF-8.
 */
function decodeBytes(text: string, first: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const length = bytes.length;
  // Every byte before the first `%` is ASCII-or-not as it was, and stays where it is.
  let read = first === 0 ? 0 : Buffer.byteLength(text.slice(0, first), 'utf8');
  let write = read;
  for (; read < length; read++) {
    const byte = bytes[read]!;
    if (byte === 0x25 && read + 2 < length) {
      const high = HEX_BYTE[bytes[read + 1]!]!;
      const low = HEX_BYTE[bytes[read + 2]!]!;
      if (high >= 0 && low >= 0) {
        bytes[write++] = high * 16 + low;
        read += 2;
        continue;
      }
    }
    bytes[write++] = byte;
  }
  const decoded = bytes.subarray(0, write);
  if (!isUtf8(decoded)) throw invalidUtf8();
  return decoded.toString('utf8');
}
