interface Waiter<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
}

interface Queued<T> {
  pass: () => Promise<T>;
  waiters: Array<Waiter<T>>;
}

interface Lane<T> {
  /** Passes asked for while one runs, by kind: each kind waits as one pass, in the order first asked. */
  queued: Map<string, Queued<T>>;
}

/**
 * One pass per key at a time. A pass asked for while one runs is queued, and every later ask of
 * the same kind joins it, so a burst of signals during a drain means exactly one more pass after
 * it, never a parallel one. Each ask resolves with the result of the pass that started after it.
 */
export function createLanes<T>() {
  const lanes = new Map<string, Lane<T>>();

  async function work(key: string, lane: Lane<T>): Promise<void> {
    for (;;) {
      const next = lane.queued.entries().next();
      if (next.done) break;
      const [kind, queued] = next.value;
      lane.queued.delete(kind);
      try {
        const result = await queued.pass();
        for (const waiter of queued.waiters) waiter.resolve(result);
      } catch (error) {
        for (const waiter of queued.waiters) waiter.reject(error);
      }
    }
    // Synchronous with the check above: an ask can never find the lane gone while a pass runs.
    lanes.delete(key);
  }

  return {
    run(key: string, kind: string, pass: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let lane = lanes.get(key);
        const starting = lane === undefined;
        if (lane === undefined) {
          lane = { queued: new Map() };
          lanes.set(key, lane);
        }
        const queued = lane.queued.get(kind);
        if (queued === undefined) {
          lane.queued.set(kind, { pass, waiters: [{ resolve, reject }] });
        } else {
          // The newest ask brings the freshest client (tokens) for the pass they share.
          queued.pass = pass;
          queued.waiters.push({ resolve, reject });
        }
        if (starting) void work(key, lane);
      });
    },
  };
}
