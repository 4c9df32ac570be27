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

  function handlersFor(name: string): AnyHandler[] {
    const matched = [...(byName.get(name) ?? [])];
    for (const { prefix, handler } of byPrefix) if (name.startsWith(prefix)) matched.push(handler);
    matched.push(...any);
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
      for (const pattern of (typeof names === 'string' ? [names] : names).map(compilePattern)) {
        if (pattern.prefix) byPrefix.push({ prefix: pattern.name, handler });
        else byName.set(pattern.name, [...(byName.get(pattern.name) ?? []), handler]);
      }
    },
    onAny(handler) {
      checkHandler(handler);
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
