import { randomBytes } from 'node:crypto';
import type { FakeTokens } from './types.js';

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

interface AccessEntry {
  expires: number;
  userId: number;
}

/** The application's tokens on this portal: access tokens that expire, refresh tokens used once. */
export function createTokenBook(lifetimeSeconds: number, userId = 1) {
  const access = new Map<string, AccessEntry>();
  const refresh = new Set<string>();
  let latest: FakeTokens;

  function issue(): FakeTokens {
    const tokens = { accessToken: randomHex(34), refreshToken: randomHex(34), expires: Math.floor(Date.now() / 1000) + lifetimeSeconds };
    access.set(tokens.accessToken, { expires: tokens.expires, userId });
    refresh.add(tokens.refreshToken);
    latest = tokens;
    return tokens;
  }
  latest = issue();

  return {
    issue,
    get latest() {
      return latest;
    },
    /** 'valid', 'expired' or 'unknown'. */
    check(token: string): { state: 'valid'; userId: number } | { state: 'expired' | 'unknown' } {
      const entry = access.get(token);
      if (entry === undefined) return { state: 'unknown' };
      return entry.expires * 1000 > Date.now() ? { state: 'valid', userId: entry.userId } : { state: 'expired' };
    },
    expireAll() {
      for (const entry of access.values()) entry.expires = 0;
    },
    /** Spends a refresh token: a new pair, or undefined when it is unknown or spent. */
    refresh(token: string): FakeTokens | undefined {
      if (!refresh.delete(token)) return undefined;
      return issue();
    },
  };
}

export type TokenBook = ReturnType<typeof createTokenBook>;
