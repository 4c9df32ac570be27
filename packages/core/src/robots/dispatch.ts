import { B24HookError } from '../errors.js';
import type { FormObject } from '../form/types.js';
import { withDeadline } from '../receiver/deadline.js';
import type { B24Logger } from '../receiver/types.js';
import { isRobotDefinition } from './define-robot.js';
import { logFailure, sendReply, toReturnValues, undeclaredKeys } from './reply.js';
import { toRobotCall } from './to-robot-call.js';
import type { B24RestFactory, B24RobotCall, B24RobotDefinition } from './types.js';

type AnyRobotHandler = (call: B24RobotCall) => unknown;

export interface B24RobotRunOptions {
  /** Tell onError (and, for a failing handler, the workflow log); default true. */
  report?: boolean;
}

interface Registered {
  definition?: B24RobotDefinition;
  handler: AnyRobotHandler;
}

export interface RobotDispatcher {
  on(target: B24RobotDefinition | string, handler: AnyRobotHandler): void;
  /** The typed call for a verified form; `UNKNOWN_ROBOT` when its code has no handler. */
  callFor(form: FormObject): B24RobotCall;
  /**
   * Runs the handler and sends its reply; rejects with `HANDLER_FAILED`. With `report: false` (a
   * queue attempt that will be retried) onError and the workflow log are not told.
   */
  run(call: B24RobotCall, options?: B24RobotRunOptions): Promise<void>;
}

export interface RobotDispatcherParts {
  rest: B24RestFactory | undefined;
  logger: B24Logger | undefined;
  reportError(error: Error, event: undefined, call: B24RobotCall): Promise<void>;
  /** The bound on a call's handler (timeouts.handlersMs). */
  handlersMs: number;
}

function unknownRobot(code: string): B24HookError {
  return new B24HookError(
    'UNKNOWN_ROBOT',
    `No onRobot handler is registered for the robot code "${code.slice(0, 100)}". Register one with receiver.onRobot(definition, handler), or remove the robot from the portal.`,
  );
}

function failed(call: B24RobotCall, stage: string, cause: unknown): B24HookError {
  return new B24HookError(
    'HANDLER_FAILED',
    `The ${call.kind} "${call.code}" failed ${stage}; nothing was sent to the workflow, which waits until its timeout. Details went to onError.`,
    { cause },
  );
}

export function createRobotDispatcher(parts: RobotDispatcherParts): RobotDispatcher {
  const byCode = new Map<string, Registered>();
  const warnedUndeclared = new Set<string>();

  async function client(call: B24RobotCall) {
    return parts.rest!(call);
  }

  async function writeFailureLine(call: B24RobotCall, error: unknown): Promise<void> {
    try {
      await logFailure(await client(call), call, error);
    } catch (failure) {
      parts.logger?.error?.('b24hooks could not write the failure to the workflow log (bizproc.activity.log)', {
        code: call.code,
        error: failure instanceof Error ? failure.name : typeof failure,
      });
    }
  }

  return {
    on(target, handler) {
      if (typeof handler !== 'function') throw new TypeError('b24hooks: an onRobot handler must be a function.');
      const definition = typeof target === 'string' ? undefined : target;
      const code = typeof target === 'string' ? target : target?.code;
      if (definition !== undefined && !isRobotDefinition(definition)) {
        throw new TypeError('b24hooks: onRobot takes a definition from defineRobot() or a robot code.');
      }
      if (typeof code !== 'string' || code === '') throw new TypeError('b24hooks: onRobot needs a robot code.');
      if (parts.rest === undefined) {
        throw new TypeError(
          'b24hooks: onRobot needs createReceiver({ rest }) to answer the workflow with bizproc.event.send, e.g. rest: createRestFactory({ app }) from @b24hooks/rest.',
        );
      }
      if (byCode.has(code)) throw new TypeError(`b24hooks: the robot "${code}" already has a handler; a call can be answered only once.`);
      byCode.set(code, definition ? { definition, handler } : { handler });
    },

    callFor(form) {
      const code = typeof form.code === 'string' ? form.code : '';
      const registered = byCode.get(code);
      if (registered === undefined) {
        toRobotCall(form); // An unroutable envelope is INVALID_EVENT, not UNKNOWN_ROBOT.
        throw unknownRobot(code);
      }
      // Typed per its definition for the handler; the dispatcher itself only routes it.
      return registered.definition ? (toRobotCall(form, registered.definition) as B24RobotCall) : toRobotCall(form);
    },

    async run(call, options) {
      const report = options?.report !== false;
      const registered = byCode.get(call.code);
      if (registered === undefined) throw unknownRobot(call.code);
      let returnValues: Record<string, unknown>;
      try {
        const values = await withDeadline(
          () => registered.handler(call),
          parts.handlersMs,
          () => new Error(`The handler of "${call.code}" did not finish within ${parts.handlersMs} ms; it may still be running.`),
        );
        returnValues = toReturnValues(registered.definition, values);
        const extra = undeclaredKeys(registered.definition, values);
        if (extra.length > 0 && !warnedUndeclared.has(call.code)) {
          warnedUndeclared.add(call.code);
          parts.logger?.warn(`b24hooks: the handler of "${call.code}" returned values its definition does not declare; they were not sent`, {
            code: call.code,
            keys: extra,
          });
        }
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (report) {
          await parts.reportError(failure, undefined, call);
          await writeFailureLine(call, error);
        }
        throw failed(call, 'in its handler', failure);
      }
      if (!call.useSubscription) return;
      try {
        await sendReply(await client(call), call, returnValues);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (report) await parts.reportError(failure, undefined, call);
        throw failed(call, 'while sending its reply (bizproc.event.send)', failure);
      }
    },
  };
}
