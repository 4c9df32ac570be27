import type { B24Event } from '../events/types.js';
import type { B24Logger } from './types.js';

/** Swallows what a logger throws or rejects with: logging must never change an answer. */
function guarded(call: () => unknown): void {
  try {
    const result = call();
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
    }
  } catch {
    // The logger is the last resort; there is nowhere left to report its failure.
  }
}

/** The app's logger behind a wall: its `warn`/`error` may throw, it never reaches the caller. */
export function safeLogger(logger: B24Logger | undefined): B24Logger | undefined {
  if (logger === undefined || logger === null) return undefined;
  if (typeof logger !== 'object' && typeof logger !== 'function') throw new TypeError('b24hooks: logger must be an object with a warn method.');
  if (typeof logger.warn !== 'function') throw new TypeError('b24hooks: logger needs a warn(message, details) method.');
  const safe: B24Logger = {
    warn: (message, details) => guarded(() => logger.warn(message, details)),
  };
  if (typeof logger.error === 'function') safe.error = (message, details) => guarded(() => logger.error!(message, details));
  return safe;
}

/** Problems warned about per receiver, at most: enough for every registry path, bounded against odd ids. */
const MAX_WARNED = 1000;

/** Warns once per event name and problem path that a verified delivery did not match the registry. */
export function createProblemWarner(logger: B24Logger | undefined): (event: B24Event) => void {
  const warned = new Set<string>();
  return (event) => {
    const problems = event.problems;
    if (problems === undefined || logger === undefined) return;
    for (const problem of problems) {
      const key = `${event.name} ${problem}`;
      if (warned.has(key) || warned.size >= MAX_WARNED) continue;
      warned.add(key);
      logger.warn(
        `b24hooks: a verified ${event.name} does not match the registry (${problem}); its handlers run with the field as sent. This is warned once per event and field.`,
        { event: event.name, problem },
      );
    }
  };
}
