import { B24HookError } from '../errors.js';
import { toEvent } from '../events/to-event.js';
import type { B24Event } from '../events/types.js';
import type { FormObject, FormValue } from '../form/types.js';
import type { Receiver } from './types.js';

/**
 * One verified delivery, ready to be persisted. `form` is the delivery as Bitrix24 sent it minus
 * every `application_token` (the top-level one and the bot/command `AUTH` copies), so nothing a
 * queue stores can forge a delivery; access tokens stay, the handlers call the portal with them.
 */
export interface B24HandoffItem {
  kind: 'event';
  name: string;
  memberId: string;
  form: FormObject;
  receivedAt: Date;
}

/** Where `handle()` puts a verified delivery instead of running handlers (`@b24hooks/bullmq`'s queue). */
export interface B24Handoff {
  /** Resolves once the delivery is durable; the request is answered 200 only then. */
  enqueue(item: B24HandoffItem): Promise<void>;
}

const SECRET = 'application_token';

function withoutSecret(value: FormValue): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(withoutSecret);
  const copy: FormObject = {};
  for (const key of Object.keys(value)) if (key !== SECRET) copy[key] = withoutSecret(value[key]!);
  return copy;
}

/** A deep copy of the form with every `application_token` left out, wherever it sits. */
export function withoutApplicationTokens(form: FormObject): FormObject {
  return withoutSecret(form) as FormObject;
}

export function checkHandoff(handoff: unknown): B24Handoff | undefined {
  if (handoff === undefined) return undefined;
  if (handoff === null || typeof (handoff as B24Handoff).enqueue !== 'function') {
    throw new TypeError('b24hooks: handoff must have an enqueue(item) method, e.g. createQueue() of @b24hooks/bullmq.');
  }
  return handoff as B24Handoff;
}

/** Persists a verified delivery; a failure becomes `503 HANDOFF_FAILED`. */
export async function handOff(handoff: B24Handoff, event: B24Event, receivedAt: Date): Promise<void> {
  const item: B24HandoffItem = {
    kind: 'event',
    name: event.name,
    memberId: event.portal.memberId,
    form: withoutApplicationTokens(event.raw),
    receivedAt,
  };
  try {
    await handoff.enqueue(item);
  } catch (failure) {
    throw new B24HookError(
      'HANDOFF_FAILED',
      `b24hooks could not hand ${event.name} off to its queue, so it was not accepted and Bitrix24 will not send it again. Check the queue's Redis connection; spill: { dir } journals deliveries to disk while Redis is away.`,
      { cause: failure },
    );
  }
}

/** What a queue worker needs from a receiver: its handlers, without a second token check. */
export interface HandoffRunner {
  /**
   * Rebuilds the event from a hand-off form and runs the matching handlers. With `report: false`
   * a failure is not told to `onError` (a later attempt may still succeed).
   */
  run(form: FormObject, options: { report: boolean }): Promise<B24Event>;
  /** Tells the receiver's `onError` handlers. */
  report(error: Error, event?: B24Event): Promise<void>;
}

interface RunnerParts {
  run(event: B24Event, report: boolean): Promise<void>;
  report(error: Error, event?: B24Event): Promise<void>;
}

const runners = new WeakMap<object, RunnerParts>();

export function registerHandoffRunner(receiver: Receiver, parts: RunnerParts): void {
  runners.set(receiver, parts);
}

/** The worker side of a hand-off, for a receiver made by `createReceiver`. */
export function handoffRunner(receiver: Receiver): HandoffRunner {
  const parts = runners.get(receiver);
  if (!parts) throw new TypeError('b24hooks: a queue worker needs a receiver made by createReceiver().');
  return {
    async run(form, options) {
      const event = toEvent(form);
      await parts.run(event, options.report);
      return event;
    },
    report: parts.report,
  };
}
