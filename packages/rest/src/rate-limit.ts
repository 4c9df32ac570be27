export interface RateLimit {
  /** Calls a portal takes at once before it starts refusing (Bitrix24: 50; Enterprise: 250). */
  burst: number;
  /** Calls per second the portal's bucket drains (Bitrix24: 2; Enterprise: 5). */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 50, perSecond: 2 };

export interface Bucket {
  /** Resolves when one more call fits in the portal's bucket, and counts it. */
  take(signal?: AbortSignal): Promise<void>;
  /** The portal said its bucket is full: wait as if it were. */
  full(): void;
}

/**
 * A leaky bucket that mirrors the portal's (as a virtual schedule: each call reserves the next
 * moment the bucket has room, so waiting callers go in order without a queue).
 */
export function createBucket(limit: RateLimit, now: () => number = Date.now): Bucket {
  const interval = 1000 / limit.perSecond;
  const tolerance = (limit.burst - 1) * interval;
  // The moment the bucket would be empty again if no more calls came.
  let drainedAt = 0;
  return {
    async take(signal) {
      const at = now();
      const start = Math.max(drainedAt, at);
      const allowedAt = start - tolerance;
      drainedAt = start + interval;
      const wait = allowedAt - at;
      if (wait > 0) await sleep(wait, signal);
    },
    full() {
      drainedAt = Math.max(drainedAt, now() + tolerance + interval);
    },
  };
}

const buckets = new Map<string, Bucket>();

/** One bucket per portal and limit in this process, whichever client makes the call. */
export function bucketFor(portal: string, limit: RateLimit): Bucket {
  const key = `${portal}|${limit.burst}|${limit.perSecond}`;
  let bucket = buckets.get(key);
  if (bucket === undefined) {
    bucket = createBucket(limit);
    buckets.set(key, bucket);
  }
  return bucket;
}

export function resolveRateLimit(option: Partial<RateLimit> | false | undefined): RateLimit | false {
  if (option === false) return false;
  const limit = { ...DEFAULT_RATE_LIMIT, ...option };
  if (!(limit.burst >= 1) || !(limit.perSecond > 0)) {
    throw new TypeError('rateLimit needs burst >= 1 and perSecond > 0 (Bitrix24: { burst: 50, perSecond: 2 }; Enterprise: { burst: 250, perSecond: 5 }), or false.');
  }
  return limit;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
