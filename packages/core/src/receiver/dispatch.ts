import { B24HookError } from '../errors.js';
import { compilePattern } from '../events/match.js';
import type { B24Event } from '../events/types.js';
import type { B24RobotCall } from '../robots/types.js';
import { describeError, withDeadline } from './deadline.js';
import type { B24ErrorHandler, B24EventHandler, B24Logger } from './types.js';

type AnyHandler = B24EventHandler<B24Event>;

export interface Dispatcher {
  on(names: string | readonly string[], handler: AnyHandler): void;
  onAny(handler: AnyHandler): void;
  onError(handler: B24ErrorHandler): void;
  /** `report: false` leaves onError out (a queue worker tells it only after the last attempt). */
  run(event: B24Event, report?: boolean): Promise<void>;
  /** Tells every `onError` handler; resolves once they finished, or after `handlersMs`. Never rejects. */
  reportError(error: Error, event?: B24Event, robotCall?: B24RobotCall): Promise<void>;
}

function handlerFailed(name: string, cause: unknown, late: boolean): B24HookError {
  const what = late ? `The handlers for ${name} did not finish in time` : `A handler failed while processing ${name}`;
  return new B24HookError(
    'HANDLER_FAILED',
    `${what}. Bitrix24 will not retry: fix the handler or persist events before acknowledging them. Details went to onError.`,
    { cause },
  );
}

function checkHandler(handler: unknown): void {
  if (typeof handler !== 'function') throw new TypeError('b24hooks: a handler must be a function.');
}

/** `handlersMs` bounds the handlers of one delivery and the `onError` handlers told about them. */
export function createDispatcher(logger: B24Logger | undefined, handlersMs = Number.POSITIVE_INFINITY): Dispatcher {
  const byName = new Map<string, AnyHandler[]>();
  const byPrefix: Array<{ prefix: string; handler: AnyHandler }> = [];
  const any: AnyHandler[] = [];
  const errorHandlers: B24ErrorHandler[] = [];

  /**
   * The handlers of each event name, in registration order, worked out on its first delivery and
   * kept until the next registration: a delivery costs no walk over the wildcards it does not match.
   * Never mutated once built. Bounded, since a portal may send any name.
   */
  const resolved = new Map<string, readonly AnyHandler[]>();
  const RESOLVED_NAMES = 1024;

  function handlersFor(name: string): readonly AnyHandler[] {
    let matched = resolved.get(name);
    if (matched !== undefined) return matched;
    const list = [...(byName.get(name) ?? [])];
    for (const { prefix, handler } of byPrefix) if (name.startsWith(prefix)) list.push(handler);
    list.push(...any);
    matched = list;
    if (resolved.size >= RESOLVED_NAMES) resolved.clear();
    resolved.set(name, matched);
    return matched;
  }

  function tellErrorHandlers(error: Error, event?: B24Event, robotCall?: B24RobotCall): Promise<void> {
    return Promise.all(
      errorHandlers.map(async (handler) => {
        try {
          await (robotCall ? handler(error, undefined, robotCall) : handler(error, event));
        } catch (failure) {
          // An onError handler must not take the receiver down; the logger is the last resort.
          logger?.error?.('b24hooks: an onError handler threw', { error: describeError(failure) });
        }
      }),
    ).then(() => undefined);
  }

  async function reportError(error: Error, event?: B24Event, robotCall?: B24RobotCall): Promise<void> {
    try {
      await withDeadline(() => tellErrorHandlers(error, event, robotCall), handlersMs, () => new Error('onError timed out'));
    } catch {
      logger?.error?.(`b24hooks: the onError handlers did not finish within ${handlersMs} ms`, event ? { event: event.name } : {});
    }
  }

  return {
    on(names, handler) {
      checkHandler(handler);
      const patterns = (typeof names === 'string' ? [names] : names).map(compilePattern);
      resolved.clear();
      for (const pattern of patterns) {
        if (pattern.prefix) byPrefix.push({ prefix: pattern.name, handler });
        else {
          const list = byName.get(pattern.name);
          if (list === undefined) byName.set(pattern.name, [handler]);
          else list.push(handler);
        }
      }
    },
    onAny(handler) {
      checkHandler(handler);
      resolved.clear();
      any.push(handler);
    },
    onError(handler) {
      checkHandler(handler);
      errorHandlers.push(handler);
    },
    reportError,
    async run(event, report = true) {
      const handlers = handlersFor(event.name);
      if (handlers.length === 0) return;
      let phase: 'handlers' | 'onError' | 'done' = 'handlers';
      const work = async (): Promise<void> => {
        const results = await Promise.allSettled(handlers.map(async (handler) => handler(event)));
        const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        if (errors.length === 0) return;
        const failure = new AggregateError(errors, `${errors.length} of ${handlers.length} handlers failed for ${event.name}`);
        phase = 'onError';
        if (report) await tellErrorHandlers(failure, event);
        phase = 'done';
        throw handlerFailed(event.name, failure, false);
      };
      let late: Error | undefined;
      const timedOut = () => (late = new Error(`The handlers for ${event.name} did not finish within ${handlersMs} ms; they may still be running.`));
      try {
        await withDeadline(work, handlersMs, timedOut);
      } catch (error) {
        if (late === undefined || error !== late) throw error;
        // Past the limit while the handlers ran: onError hears it (not awaited: its own time is up
        // too). Past it while onError ran: the failure was already told.
        if (phase === 'handlers' && report) void tellErrorHandlers(late, event);
        throw handlerFailed(event.name, late, true);
      }
    },
  };
}
