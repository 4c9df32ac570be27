import type { B24Event } from '../events/types.js';
import { toEvent } from '../events/to-event.js';
import type { FormObject } from '../form/types.js';
import { resolveFormLimits } from '../form/limits.js';
import { createRobotDispatcher } from '../robots/dispatch.js';
import type { B24RobotCall, B24RobotDefinition } from '../robots/types.js';
import { createTokenVerifier } from '../verify/verify.js';
import { resolveTimeouts } from './deadline.js';
import { createDispatcher } from './dispatch.js';
import { handleRequest } from './handle.js';
import { createProblemWarner, safeLogger } from './logging.js';
import { checkHandoff, registerHandoffRunner } from './handoff.js';
import type { Receiver, ReceiverOptions } from './types.js';

/** A receiver: verification, typed events and handlers, independent of any HTTP framework. */
export function createReceiver(options: ReceiverOptions): Receiver {
  if (options === null || typeof options !== 'object') throw new TypeError('b24hooks: createReceiver needs options.');
  const limits = resolveFormLimits(options.limits);
  const timeouts = resolveTimeouts(options.timeouts);
  const logger = safeLogger(options.logger);
  const shapes = options.shapes ?? 'lenient';
  if (shapes !== 'lenient' && shapes !== 'strict') throw new TypeError("b24hooks: shapes must be 'lenient' or 'strict'.");
  const ack = options.ack ?? 'after-handlers';
  if (ack !== 'after-handlers' && ack !== 'before-handlers') {
    throw new TypeError("b24hooks: ack must be 'after-handlers' or 'before-handlers'.");
  }
  const warnProblems = createProblemWarner(logger);
  const verifier = createTokenVerifier(options, {
    dependencyMs: timeouts.dependencyMs,
    build: (form: FormObject): B24Event => toEvent(form, { shapes }),
    // Only verified deliveries are warned about: a forger must not be able to fill the log.
    accepted: warnProblems,
  });
  const dispatcher = createDispatcher(logger, timeouts.handlersMs);
  if (options.rest !== undefined && typeof options.rest !== 'function') {
    throw new TypeError('b24hooks: rest must be a function (call) => client, e.g. createRestFactory({ app }) from @b24hooks/rest.');
  }
  const robots = createRobotDispatcher({ rest: options.rest, logger, reportError: dispatcher.reportError, handlersMs: timeouts.handlersMs });
  const handoff = checkHandoff(options.handoff);

  const receiver: Receiver = {
    limits,
    logger,
    on(names, handler) {
      dispatcher.on(names, handler as (event: B24Event) => unknown);
      return receiver;
    },
    onAny(handler) {
      dispatcher.onAny(handler);
      return receiver;
    },
    onRobot(target: B24RobotDefinition | string, handler: (call: never) => unknown) {
      robots.on(target, handler as (call: B24RobotCall) => unknown);
      return receiver;
    },
    receiveRobot: async (call, runOptions) => robots.run(robots.callFor(call.raw), runOptions),
    onError(handler) {
      dispatcher.onError(handler);
      return receiver;
    },
    verify: (form) => verifier.verify(form),
    async receive(event) {
      await dispatcher.run(event);
      // An uninstalled portal's token must not verify anything any more, but only once the
      // handlers that may still need it have finished.
      await verifier.forget(event);
    },
    forget: (event) => verifier.forget(event),
    handle: (request, handleOptions) =>
      handleRequest({ receiver, verifier, ack, handoff, logger, reportError: dispatcher.reportError, robots }, request, handleOptions),
  };
  registerHandoffRunner(receiver, { run: dispatcher.run, report: dispatcher.reportError });
  return receiver;
}
