import type { Redis } from 'ioredis';

// One round trip decides whether a delivery becomes a job: refused if another delivery owns its
// exact-duplicate key or its coalescing key. A delivery may pass again under its own id (a replay
// from the spill journal, or a retry after Redis failed between this and the add).
const ADMIT = `local id = ARGV[1]
local exact = ARGV[4] == '1'
local coalesce = ARGV[5] == '1'
if exact then
  local owner = redis.call('GET', KEYS[1])
  if owner and owner ~= id then redis.call('INCR', KEYS[3]) return 0 end
end
if coalesce then
  local owner = redis.call('GET', KEYS[2])
  if owner and owner ~= id then redis.call('INCR', KEYS[3]) return 0 end
end
if exact then redis.call('SET', KEYS[1], id, 'EX', ARGV[2]) end
if coalesce then redis.call('SET', KEYS[2], id, 'EX', ARGV[3]) end
return 1`;

// Compare-and-delete: a key only goes away for the delivery that owns it.
const RELEASE = `local n = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then n = n + redis.call('DEL', key) end
end
return n`;

/** A coalescing key outlives a job that waits longer than this; a later delivery then gets a job of its own. */
const COALESCE_TTL_SECONDS = 3600;

export interface Admission {
  admit(id: string, exactHash: string, coalesceHash: string | undefined): Promise<boolean>;
  /** Lets a job's coalescing key go, so a delivery arriving while it runs is not folded into it. */
  release(id: string, coalesceHash: string): Promise<void>;
  /** Undoes `admit` for a delivery that could not be enqueued after all. */
  revoke(id: string, exactHash: string, coalesceHash: string | undefined): Promise<void>;
  deduplicated(): Promise<number>;
}

/** `connected` resolves once the client can take commands (it has no offline queue). */
export function createAdmission(redis: Redis, base: string, dedupSeconds: number, connected: () => Promise<void> | undefined): Admission {
  const exactKey = (hash: string) => `${base}:b24hooks:exact:${hash}`;
  const coalesceKey = (hash: string) => `${base}:b24hooks:coalesce:${hash}`;
  const counter = `${base}:b24hooks:deduplicated`;
  return {
    async admit(id, exactHash, coalesceHash) {
      const exact = dedupSeconds > 0;
      if (!exact && !coalesceHash) return true;
      const keys = [exactKey(exactHash), coalesceKey(coalesceHash ?? exactHash), counter];
      const flags = [exact ? '1' : '0', coalesceHash ? '1' : '0'];
      return (await redis.eval(ADMIT, 3, ...keys, id, String(dedupSeconds || 1), String(COALESCE_TTL_SECONDS), ...flags)) === 1;
    },
    async release(id, coalesceHash) {
      await connected();
      await redis.eval(RELEASE, 1, coalesceKey(coalesceHash), id);
    },
    async revoke(id, exactHash, coalesceHash) {
      const keys = [exactKey(exactHash), ...(coalesceHash ? [coalesceKey(coalesceHash)] : [])];
      await redis.eval(RELEASE, keys.length, ...keys, id);
    },
    async deduplicated() {
      await connected();
      return Number((await redis.get(counter)) ?? 0);
    },
  };
}
