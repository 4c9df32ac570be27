import { isUtf8 } from 'node:buffer';
import { B24HookError } from '../errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function invalidUtf8(): B24HookError {
  return new B24HookError(
    'MALFORMED_BODY',
    'The body contains bytes that are not valid UTF-8 after percent-decoding. Bitrix24 always sends UTF-8; check the sender or a proxy that re-encodes the body.',
  );
}

/** Turns body bytes into a string, refusing bytes that are not UTF-8 instead of replacing them. */
export function bytesToText(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isUtf8(buffer)) throw invalidUtf8();
  return buffer.toString('utf8');
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
  const spaced = text.indexOf('+') === -1 ? text : text.replaceAll('+', ' ');
  if (percent === -1) return spaced;
  const ascii = decodeAsciiEscapes(spaced, percent);
  if (ascii !== null) return ascii;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return decodeByteByByte(spaced);
  }
}

/**
 * The common case, keys like `data%5BFIELDS%5D%5BID%5D`, twice as fast as `decodeURIComponent`:
 * escapes of ASCII bytes only. Null when a byte of 0x80 or more, or a stray `%`, needs the full decoder.
 */
function decodeAsciiEscapes(text: string, first: number): string | null {
  let out = '';
  let last = 0;
  for (let at = first; at !== -1; at = text.indexOf('%', last)) {
    const high = hexValue(text.charCodeAt(at + 1));
    const low = hexValue(text.charCodeAt(at + 2));
    if (high < 0 || high > 7 || low < 0) return null;
    out += text.slice(last, at) + String.fromCharCode(high * 16 + low);
    last = at + 3;
  }
  return out + text.slice(last);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

function decodeByteByByte(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const high = code === 0x25 ? hexValue(text.charCodeAt(i + 1)) : -1;
    const low = high >= 0 ? hexValue(text.charCodeAt(i + 2)) : -1;
    if (low >= 0) {
      bytes.push(high * 16 + low);
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      for (const byte of Buffer.from(char, 'utf8')) bytes.push(byte);
      i += char.length - 1;
    }
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    throw invalidUtf8();
  }
}
