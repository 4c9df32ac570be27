import { timingSafeEqual } from 'node:crypto';

/** A configured or stored token, as the bytes it is compared with. */
export function tokenBytes(token: string): Buffer {
  return Buffer.from(token, 'utf8');
}

/**
 * True when `delivered` equals one of `expected`. The delivered token is copied into a buffer of
 * each candidate's length (cut or zero-padded), so `timingSafeEqual` always runs on the secret's
 * full length whatever was sent, and every candidate is compared: timing tells neither how much
 * of a guess was right, nor which candidate matched. A length difference only decides the result.
 */
export function matchesAnyToken(delivered: string, expected: readonly Buffer[]): boolean {
  const deliveredLength = Buffer.byteLength(delivered, 'utf8');
  let matched = false;
  for (const candidate of expected) {
    const padded = Buffer.alloc(candidate.length);
    padded.write(delivered, 'utf8');
    const equal = timingSafeEqual(padded, candidate);
    matched = (equal && deliveredLength === candidate.length) || matched;
  }
  return matched;
}
