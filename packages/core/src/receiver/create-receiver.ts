import type { B24Event } from '../events/types.js';
import { resolveFormLimits } from '../form/limits.js';
import { createTokenVerifier } from '../verify/verify.js';
import { createDispatcher } from './dispatch.js';
import { handleRequest } from './handle.js';
import { checkHandoff, registerHandoffRunner } from './handoff.js';
import type { Receiver, ReceiverOptions } from './types.js';

/** A receiver: verification, typed events and handlers, independent of any HTTP framework. */
export function createReceiver(options: ReceiverOptions): Receiver {
  if (options === null || typeof options !== 'object') throw new TypeError('b24hooks: createReceiver needs options.');
  const limits = resolveFormLimits(options.limits);
  const verifier = createTokenVerifier(options);
  const logger = options.logger;
  const ack = options.ack ?? 'after-handlers';
  if (ack !== 'after-handlers' && ack !== 'before-handlers') {
    throw new TypeError("b24hooks: ack must be 'after-handlers' or 'before-handlers'.");
  }
  const dispatcher = createDispatcher(logger);
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
      handleRequest({ receiver, verifier, ack, handoff, logger, reportError: dispatcher.reportError }, request, handleOptions),
  };
  registerHandoffRunner(receiver, { run: dispatcher.run, report: dispatcher.reportError });
  return receiver;
}
