import { B24HookError } from '../errors.js';
import { bytesToText, checkWellFormed, decodeComponent, replaceAscii, skipSpaces, startsWithSpace } from './decode.js';
import { bodyTooLarge, resolveFormLimits, tooManyParams, type FormLimits } from './limits.js';
import { PhpArray, registerVariable, registerWrittenKey } from './php-array.js';
import type { FormObject } from './types.js';

/** Bodies longer than this, with many `+`, get them spaced in one pass instead of part by part. */
const WHOLE_BODY_SPACING = 4096;
const NOT_AMPERSAND = /[^&]/g;

/**
 * More `+` than one in 32 characters: then a byte pass over the whole body beats replacing them
 * part by part (about 50 ns each). Real deliveries have a few, in their text fields.
 */
function manyPluses(text: string): boolean {
  let budget = text.length >> 5;
  let equals = -2; // not searched yet
  for (let at = text.indexOf('+'); at !== -1; at = text.indexOf('+', at)) {
    if (at !== 0 && text.charCodeAt(at - 1) !== 0x26) {
      if (--budget < 0) return true;
      at++;
      continue;
    }
    // A run that starts a name is skipped undecoded by the loop below, and the rest of that name
    // is decoded on its own: neither needs the whole body spaced, so neither is counted. Two
    // native searches pass the name; skipping the run itself here would read it twice.
    const ampersand = text.indexOf('&', at);
    if (equals !== -1 && equals < at) equals = text.indexOf('=', at);
    const nameEnd = Math.min(ampersand === -1 ? text.length : ampersand, equals === -1 ? text.length : equals);
    at = nameEnd + 1;
  }
  return false;
}

/**
 * The inverse of PHP's `http_build_query`: gives what PHP's `parse_str` gives for the same body
 * (as `json_encode` prints it), with every value left a string. Over a limit, or on bytes that are
 * not UTF-8, it throws a `B24HookError` instead of truncating.
 */
export function parseForm(body: string | Uint8Array, limits?: FormLimits): FormObject {
  const { maxBodyBytes, maxParams, maxDepth } = resolveFormLimits(limits);
  let text: string;
  if (typeof body === 'string') {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only a body near the limit needs its bytes counted.
    if (body.length > maxBodyBytes || (body.length * 3 > maxBodyBytes && Buffer.byteLength(body) > maxBodyBytes)) {
      throw bodyTooLarge(maxBodyBytes);
    }
    text = checkWellFormed(body);
  } else {
    if (body.byteLength > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
    text = bytesToText(body);
  }
  // PHP's parse_str stops at a raw NUL and drops the rest; no encoder writes one, so refuse it.
  if (text.includes('\0')) {
    throw new B24HookError('MALFORMED_BODY', 'The body contains a raw NUL byte, which no form encoder writes (a NUL is sent as %00). Check the sender.');
  }

  // `+` is no separator, so spacing the whole body at once is the same as spacing each part, and
  // stays linear however many there are.
  if (text.length > WHOLE_BODY_SPACING && manyPluses(text)) text = replaceAscii(text, 0x2b, 0x20);

  const root = new PhpArray();
  let params = 0;
  let start = 0;
  let equals = -2; // not searched yet
  const length = text.length;
  while (start <= length) {
    // Runs of `&` are empty pairs: skipping them without a search keeps `&&&…` cheap.
    if (text.charCodeAt(start) === 0x26) {
      NOT_AMPERSAND.lastIndex = start;
      start = NOT_AMPERSAND.test(text) ? NOT_AMPERSAND.lastIndex - 1 : length + 1;
      continue;
    }
    let end = text.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      if (++params > maxParams) throw tooManyParams(maxParams);
      // One search per `=`, not per pair: a body whose pairs have none would rescan its rest each time.
      if (equals !== -1 && equals < start) equals = text.indexOf('=', start);
      const keyEnd = equals === -1 || equals > end ? end : equals;
      // PHP drops a name's leading spaces once decoded; as `+`, ` ` or `%20` they decode to
      // nothing else, so they are dropped before decoding, however many.
      const name = startsWithSpace(text, start) ? skipSpaces(text, start) : start;
      // Decoding errors come before any registration error, as when the key was decoded first.
      const value = keyEnd === end ? '' : decodeComponent(text.slice(equals + 1, end));
      if (name < keyEnd && !registerWrittenKey(root, text, name, keyEnd, value, maxDepth)) {
        registerVariable(root, decodeComponent(text.slice(name, keyEnd)), value, maxDepth);
      }
    }
    start = end + 1;
  }
  return root.toObject();
}
