import type { TokenStore } from '@b24hooks/core';
import type { Redis } from 'ioredis';

export interface RedisTokenStoreOptions {
  /** Key prefix; each portal's tokens live in the set `<prefix><member_id>`. */
  prefix?: string;
}

/**
 * A `TokenStore` on Redis. Tokens are a set per portal, so a rotation can keep the old and the new
 * token side by side (`SADD`) until the old one is dropped; `set` (install or accepted update)
 * replaces the whole set atomically.
 */
export function createRedisTokenStore(redis: Redis, options: RedisTokenStoreOptions = {}): TokenStore {
  const prefix = options.prefix ?? 'b24hooks:token:';
  const keyOf = (memberId: string) => `${prefix}${memberId}`;
  return {
    async get(memberId) {
      const tokens = await redis.smembers(keyOf(memberId));
      return tokens.length > 0 ? tokens : undefined;
    },
    async set(memberId, token) {
      await redis.multi().del(keyOf(memberId)).sadd(keyOf(memberId), token).exec();
    },
    async delete(memberId) {
      await redis.del(keyOf(memberId));
    },
  };
}
