import type { B24Portal } from '../events/types.js';

/**
 * Where an application installed on many portals keeps each portal's `application_token`, keyed
 * by `member_id`. Any database fits: a Redis hash, an SQL table keyed by member id. `get` may
 * return several tokens while one is being rotated; `null` (what most drivers return for a missing
 * key) counts as none.
 */
export interface TokenStore {
  get(memberId: string): Promise<string | readonly string[] | undefined | null>;
  set(memberId: string, token: string, portal?: B24Portal): Promise<void>;
  /**
   * Forgets the portal. With `token`, only while that token is the one stored: b24hooks passes
   * the token an `ONAPPUNINSTALL` was verified with, and has checked it is stored just before;
   * a store that can compare and delete at once (a Lua script, `DELETE … WHERE token = ?`) closes
   * the window in which a reinstall could land between that check and the delete.
   */
  delete(memberId: string, token?: string): Promise<void>;
  /**
   * Stores `token` only if no token is stored for the portal, and says whether it did, in one
   * atomic step (Redis `SET NX`, an SQL insert on a unique key). `install: 'trust-first-use'` uses
   * it when present; without it, two installs racing for a new portal can both be accepted and
   * the later `set` wins.
   */
  claim?(memberId: string, token: string, portal?: B24Portal): Promise<boolean>;
}

/** A `TokenStore` in process memory: for tests, single-instance services, or as a template. */
export function createMemoryTokenStore(initial?: Record<string, string | readonly string[]>): TokenStore {
  const tokens = new Map<string, string | readonly string[]>(Object.entries(initial ?? {}));
  return {
    async get(memberId) {
      return tokens.get(memberId);
    },
    async set(memberId, token) {
      tokens.set(memberId, token);
    },
    async delete(memberId, token) {
      const stored = tokens.get(memberId);
      if (token === undefined || stored === token || (Array.isArray(stored) && stored.includes(token))) tokens.delete(memberId);
    },
    async claim(memberId, token) {
      if (tokens.has(memberId)) return false;
      tokens.set(memberId, token);
      return true;
    },
  };
}
