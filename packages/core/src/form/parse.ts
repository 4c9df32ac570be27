import { B24HookError } from '../errors.js';
import { bytesToText, checkWellFormed, decodeComponent } from './decode.js';
import { bodyTooLarge, resolveFormLimits, tooManyParams, type FormLimits } from './limits.js';
import { PhpArray, registerVariable } from './php-array.js';
import type { FormObject } from './types.js';

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

  const root = new PhpArray();
  let params = 0;
  let start = 0;
  const length = text.length;
  while (start <= length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      if (++params > maxParams) throw tooManyParams(maxParams);
      const equals = text.indexOf('=', start);
      if (equals === -1 || equals > end) {
        registerVariable(root, decodeComponent(text.slice(start, end)), '', maxDepth);
      } else {
        registerVariable(
          root,
          decodeComponent(text.slice(start, equals)),
          decodeComponent(text.slice(equals + 1, end)),
          maxDepth,
        );
      }
    }
    start = end + 1;
  }
  return root.toObject();
}
