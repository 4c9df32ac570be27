import type { FakeRateLimit } from './types.js';

/** The portal's leaky bucket: each call adds one, `perSecond` drain away, over `burst` is refused. */
export function createLeakyBucket(limit: FakeRateLimit | false) {
  let level = 0;
  let at = Date.now();
  return {
    /** Counts a call; false when the bucket is full (the call is refused and not counted). */
    admit(): boolean {
      if (limit === false) return true;
      const now = Date.now();
      level = Math.max(0, level - ((now - at) / 1000) * limit.perSecond);
      at = now;
      if (level + 1 > limit.burst + 1e-9) return false;
      level += 1;
      return true;
    },
  };
}
