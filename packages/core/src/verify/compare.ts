import { timingSafeEqual } from 'node:crypto';

/** A configured or stored token, as the bytes it is compared with. */
export function tokenBytes(token: string): Buffer {
  return Buffer.from(token, 'utf8');
}

/**
 * One reusable buffer per secret length: the compare is synchronous, so no two calls share one at
 * once, and a refusal costs no allocation. Each is overwritten whole before every use.
 */
const scratchByLength = new Map<number, Buffer>();

function scratchFor(length: number): Buffer {
  let scratch = scratchByLength.get(length);
  if (scratch === undefined) {
    scratch = Buffer.alloc(length);
    if (scratchByLength.size < 16) scratchByLength.set(length, scratch);
  }
  return scratch;
}

/**
 * Writes `delivered` into `target` cut or zero-padded to its length; returns whether the
 * delivered token's UTF-8 length is exactly the target's. Tokens are ASCII: their bytes are their
 * char codes, copied in a loop over the target's length (the secret's, never the guess's); any
 * other text takes Buffer's UTF-8 encoder.
 */
function writePadded(target: Buffer, delivered: string): boolean {
  const size = target.length;
  const length = delivered.length;
  for (let i = 0; i < size; i++) {
    const code = i < length ? delivered.charCodeAt(i) : 0;
    if (code > 0x7f) {
      target.fill(0);
      target.write(delivered, 'utf8');
      return Buffer.byteLength(delivered, 'utf8') === size;
    }
    target[i] = code;
  }
  // Longer than the secret: its length alone decides, whatever its other characters are.
  return length === size;
}

/**
 * True when `delivered` equals one of `expected`. The delivered token is copied into a buffer of
 * each candidate's length (cut or zero-padded), so `timingSafeEqual` always runs on the secret's
 * full length whatever was sent, and every candidate is compared: timing tells neither how much
 * of a guess was right, nor which candidate matched. A length difference only decides the result.
 */
export function matchesAnyToken(delivered: string, expected: readonly Buffer[]): boolean {
  let matched = false;
  for (const candidate of expected) {
    const padded = scratchFor(candidate.length);
    const sameLength = writePadded(padded, delivered);
    const equal = timingSafeEqual(padded, candidate);
    matched = (equal && sameLength) || matched;
  }
  return matched;
}
