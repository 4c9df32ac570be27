import { B24HookError } from '../errors.js';
import { compilePattern } from '../events/match.js';
import type { B24Event } from '../events/types.js';
import type { B24ErrorHandler, B24EventHandler, B24Logger } from './types.js';

type AnyHandler = B24EventHandler<B24Event>;

export interface Dispatcher {
  on(names: string | readonly string[], handler: AnyHandler): void;
  onAny(handler: AnyHandler): void;
  onError(handler: B24ErrorHandler): void;
  /** `report: false` leaves onError out (a queue worker tells it only after the last attempt). */
  run(event: B24Event, report?: boolean): Promise<void>;
  reportError(error: Error, event?: B24Event): Promise<void>;
}

function checkHandler(handler: unknown): void {
  if (typeof handler !== 'function') throw new TypeError('b24hooks: a handler must be a function.');
}

export function createDispatcher(logger: B24Logger | undefined): Dispatcher {
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

  async function reportError(error: Error, event?: B24Event): Promise<void> {
    await Promise.all(
      errorHandlers.map(async (handler) => {
        try {
          await handler(error, event);
        } catch (failure) {
          // An onError handler must not take the receiver down; the logger is the last resort.
          logger?.error?.('b24hooks: an onError handler threw', { error: String(failure) });
        }
      }),
    );
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
      const results = await Promise.allSettled(handlers.map(async (handler) => handler(event)));
      const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (errors.length === 0) return;
      const failure = new AggregateError(errors, `${errors.length} of ${handlers.length} handlers failed for ${event.name}`);
      if (report) await reportError(failure, event);
      throw new B24HookError(
        'HANDLER_FAILED',
        `A handler failed while processing ${event.name}. Bitrix24 will not retry: fix the handler or persist events before acknowledging them. Details went to onError.`,
        { cause: failure },
      );
    },
  };
}
