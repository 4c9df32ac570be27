import { B24HookError } from '../errors.js';
import { toEvent } from '../events/to-event.js';
import type { B24Event } from '../events/types.js';
import type { FormObject, FormValue } from '../form/types.js';
import type { B24RobotCall } from '../robots/types.js';
import type { Receiver } from './types.js';

/**
 * One verified delivery, ready to be persisted. `form` is the delivery as Bitrix24 sent it minus
 * every `application_token` (the top-level one and the bot/command `AUTH` copies), so nothing a
 * queue stores can forge a delivery; access tokens stay, the handlers call the portal with them.
 * A robot call (`kind: 'robot'`) keeps its `event_token` too: the reply needs it.
 */
export interface B24HandoffItem {
  kind: 'event' | 'robot';
  /** The event's name, or the robot's code for `kind: 'robot'`. */
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

/** Persists a verified delivery (an event or a robot call); a failure becomes `503 HANDOFF_FAILED`. */
export async function handOff(handoff: B24Handoff, delivery: B24Event | B24RobotCall, receivedAt: Date): Promise<void> {
  const robot = 'workflowId' in delivery;
  const item: B24HandoffItem = {
    kind: robot ? 'robot' : 'event',
    name: robot ? delivery.code : delivery.name,
    memberId: delivery.portal.memberId,
    form: withoutApplicationTokens(delivery.raw),
    receivedAt,
  };
  try {
    await handoff.enqueue(item);
  } catch (failure) {
    const what = robot ? `the ${delivery.kind} call "${item.name.slice(0, 100)}"` : item.name;
    throw new B24HookError(
      'HANDOFF_FAILED',
      `b24hooks could not hand ${what} off to its queue, so it was not accepted and Bitrix24 will not send it again. Check the queue's Redis connection; spill: { dir } journals deliveries to disk while Redis is away.`,
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
  /** Tells the receiver's `onError` handlers (with the robot call, for a robot job). */
  report(error: Error, event?: B24Event, robotCall?: B24RobotCall): Promise<void>;
}

interface RunnerParts {
  run(event: B24Event, report: boolean): Promise<void>;
  report(error: Error, event?: B24Event, robotCall?: B24RobotCall): Promise<void>;
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
