import type { B24Portal, TokenStore } from '@b24hooks/core';
import type { Redis } from 'ioredis';

export interface RedisStoreOptions {
  /** Key prefix; each portal's entry lives under `<prefix><member_id>`. */
  prefix?: string;
}

export type RedisTokenStore = TokenStore & Required<Pick<TokenStore, 'claim'>>;

// SADD only into an absent key: two instances installing the same portal at once cannot both win.
const CLAIM = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1`;

// Forget the portal only while the uninstall's token is still one of its tokens: a reinstall that
// landed between core's check and this delete brought another token, which must stay.
const DELETE_IF_STORED = `if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/**
 * A `TokenStore` on Redis. Tokens are a set per portal, so a rotation can keep the old and the new
 * token side by side (`SADD`) until the old one is dropped; `set` (install or accepted update)
 * replaces the whole set atomically, and `claim` stores a first token only if none is stored.
 */
export function createRedisTokenStore(redis: Redis, options: RedisStoreOptions = {}): RedisTokenStore {
  const prefix = options.prefix ?? 'b24hooks:token:';
  const keyOf = (memberId: string) => `${prefix}${memberId}`;
  return {
    async get(memberId) {
      const tokens = await redis.smembers(keyOf(memberId));
      return tokens.length > 0 ? tokens : undefined;
    },
    async set(memberId, token, _portal?: B24Portal) {
      await redis.multi().del(keyOf(memberId)).sadd(keyOf(memberId), token).exec();
    },
    async delete(memberId, token?: string) {
      if (token === undefined) await redis.del(keyOf(memberId));
      else await redis.eval(DELETE_IF_STORED, 1, keyOf(memberId), token);
    },
    async claim(memberId, token) {
      return (await redis.eval(CLAIM, 1, keyOf(memberId), token)) === 1;
    },
  };
}
