import { B24HookError } from '../errors.js';

export interface ResolvedTimeouts {
  /** For the token store and the install policy. */
  dependencyMs: number;
  /** For all handlers of one delivery, `onError` included. */
  handlersMs: number;
}

export interface TimeoutOptions {
  /** How long the token store and the install policy may take per call. Default 10,000 ms. */
  dependencyMs?: number;
  /** How long the handlers of one delivery may take, `onError` included. Default 25,000 ms. */
  handlersMs?: number;
}

export const DEFAULT_TIMEOUTS: Readonly<ResolvedTimeouts> = Object.freeze({ dependencyMs: 10_000, handlersMs: 25_000 });

/** Node's timers overflow past this and fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export function resolveTimeouts(timeouts: TimeoutOptions | undefined): ResolvedTimeouts {
  if (timeouts === undefined) return DEFAULT_TIMEOUTS;
  if (timeouts === null || typeof timeouts !== 'object') throw new TypeError('b24hooks: timeouts must be an object { dependencyMs, handlersMs }.');
  const resolved = { ...DEFAULT_TIMEOUTS };
  for (const name of ['dependencyMs', 'handlersMs'] as const) {
    const value = timeouts[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      throw new TypeError(`b24hooks: timeouts.${name} must be a positive number of milliseconds (Infinity: no limit), got ${String(value)}.`);
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved);
}

/**
 * `work()`, or `onTimeout()`'s error once `ms` have passed, whichever comes first. The work is not
 * cancelled (a promise cannot be), only no longer awaited; a late rejection is swallowed. A
 * synchronous throw of `work` becomes a rejection.
 */
export function withDeadline<T>(work: () => T | PromiseLike<T>, ms: number, onTimeout: () => Error): Promise<T> {
  const running = new Promise<T>((resolve) => resolve(work()));
  if (!Number.isFinite(ms)) return running;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), Math.min(ms, MAX_TIMER_MS));
    // A pending deadline must not keep a process alive that has nothing else to do.
    timer.unref?.();
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function dependencyTimeout(what: string, ms: number): B24HookError {
  return new B24HookError(
    'DEPENDENCY_TIMEOUT',
    `The ${what} did not answer within ${ms} ms, so the delivery could not be verified. Check that it is reachable, or raise timeouts.dependencyMs.`,
  );
}

/** `String(value)` that never throws (an `Object.create(null)` has no `toString`). */
export function describeError(value: unknown): string {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
