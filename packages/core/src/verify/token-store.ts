import type { B24Portal } from '../events/types.js';

/**
 * Where an application installed on many portals keeps each portal's `application_token`, keyed
 * by `member_id`. Any database fits: a Redis hash, an SQL table keyed by member id. `get` may
 * return several tokens while one is being rotated.
 */
export interface TokenStore {
  get(memberId: string): Promise<string | readonly string[] | undefined>;
  set(memberId: string, token: string, portal?: B24Portal): Promise<void>;
  delete(memberId: string): Promise<void>;
  /** Stores the token only if none is stored, answering whether it did (Redis `SET NX`, an SQL insert). */
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
    async delete(memberId) {
      tokens.delete(memberId);
    },
  };
}
