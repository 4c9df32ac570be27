import { createHash, timingSafeEqual } from 'node:crypto';

/** Fixed-length digests let tokens of any length be compared in constant time. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** True when `delivered` equals one of `expected`; every candidate is compared, so timing tells nothing. */
export function matchesAnyDigest(delivered: string, expected: readonly Buffer[]): boolean {
  const digest = tokenDigest(delivered);
  let matched = false;
  for (const candidate of expected) matched = timingSafeEqual(digest, candidate) || matched;
  return matched;
}
