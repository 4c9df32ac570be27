import type { B24Event } from '../events/types.js';
import { describeError } from './deadline.js';
import type { B24HandleOptions, B24HandleResult, Receiver } from './types.js';

/** What every framework adapter (`b24hooks(receiver, options)`) accepts. */
export interface B24AdapterOptions {
  /**
   * `true` (default): the middleware answers the request itself, with the receiver's status and
   * JSON body, after the `on()` handlers ran.
   * `false`: the middleware only verifies; it hands the event to the app's own route (Express:
   * `req.b24event`, Koa: `ctx.state.b24event`) or passes the `B24HookError` on, and the app
   * answers. `on()` handlers do not run: the route is the handler.
   */
  respond?: boolean;
}

export interface B24AdapterSettings {
  respond: boolean;
  /** What to pass to `handleIncoming`. */
  handleOptions: B24HandleOptions;
}

/** Checks an adapter's arguments once, when the middleware is made. */
export function adapterSettings(receiver: Receiver, options: B24AdapterOptions | undefined, adapter: string): B24AdapterSettings {
  if (receiver === null || typeof receiver !== 'object' || typeof receiver.handle !== 'function') {
    throw new TypeError(`${adapter}: b24hooks(receiver) needs a receiver from createReceiver().`);
  }
  const respond = options?.respond ?? true;
  if (typeof respond !== 'boolean') throw new TypeError(`${adapter}: options.respond must be true or false.`);
  return { respond, handleOptions: { dispatch: respond } };
}

/**
 * Whether the adapter writes core's answer itself rather than handing the event (or the refusal)
 * to the app's route. A robot call is always answered here: its `onRobot` handler already ran in
 * core, and the app's route (`respond: false`, Nest's guard) handles events only.
 */
export function answersItself(respond: boolean, result: B24HandleResult): boolean {
  return respond || result.robotCall !== undefined;
}

/**
 * With `respond: false`, once the app answered: a 2xx means the app took the event, so an
 * `ONAPPUNINSTALL`'s portal is forgotten as `receive()` would do after its handlers. Never
 * throws: the answer is already on its way, so a failing token store goes to the logger.
 */
export async function settleHandled(receiver: Receiver, event: B24Event, status: number): Promise<void> {
  if (status < 200 || status >= 300) return;
  try {
    await receiver.forget(event);
  } catch (error) {
    receiver.logger?.error?.('b24hooks could not forget an uninstalled portal', { error: describeError(error), memberId: event.portal.memberId });
  }
}

/**
 * `settleHandled` once the response is finished (Express and Nest, whose route answers after the
 * adapter returned). Only an `ONAPPUNINSTALL` has anything to settle, so other events add no
 * listener to the response.
 */
export function settleOnFinish(receiver: Receiver, event: B24Event, res: { statusCode: number; once(name: 'finish', listener: () => void): unknown }): void {
  if (event.name !== 'ONAPPUNINSTALL') return;
  res.once('finish', () => void settleHandled(receiver, event, res.statusCode));
}

/**
 * True (and logged) when the response was already sent before b24hooks could answer, typically by
 * a timeout middleware that answered first: the adapter then writes nothing, since writing to an
 * answered response throws. The delivery was still processed as `result` says.
 */
export function answeredBefore(receiver: Receiver, res: { headersSent?: boolean; writableEnded?: boolean }, result: B24HandleResult): boolean {
  if (!res.headersSent && !res.writableEnded) return false;
  receiver.logger?.warn(
    `b24hooks: the response was already sent before b24hooks answered ${result.status} (a timeout middleware?). ` +
      'Bitrix24 took that earlier answer; raise the timeout above the receiver\'s timeouts.handlersMs, or use a durable hand-off.',
    { status: result.status, ...(result.event ? { event: result.event.name, memberId: result.event.portal.memberId } : {}) },
  );
  return true;
}
