import { B24HookError } from '../errors.js';
import type { B24Event } from '../events/types.js';
import type { FormObject } from '../form/types.js';
import type { RobotDispatcher } from '../robots/dispatch.js';
import type { B24RobotCall } from '../robots/types.js';
import { handleRobotCall } from '../robots/handle-robot.js';
import { isRobotCallForm } from '../robots/to-robot-call.js';
import { lastValue, scanCredentials } from '../verify/scan.js';
import type { PortalTokens, TokenVerifier } from '../verify/verify.js';
import { describeError } from './deadline.js';
import { type B24Handoff, handOff } from './handoff.js';
import { bodyText, checkRequestLine, normalizeObject, parseText } from './request-body.js';
import type { B24HandleOptions, B24HandleResult, B24Logger, B24Request, Receiver } from './types.js';

export interface PipelineParts {
  receiver: Pick<Receiver, 'limits' | 'receive'>;
  verifier: TokenVerifier;
  ack: 'after-handlers' | 'before-handlers';
  handoff?: B24Handoff | undefined;
  logger: B24Logger | undefined;
  reportError(error: Error, event?: B24Event, robotCall?: B24RobotCall): Promise<void>;
  robots: RobotDispatcher;
}

interface Seen {
  event?: string | undefined;
  domain?: string | undefined;
  memberId?: string | undefined;
  robot?: string | undefined;
}

export function errorResult(error: B24HookError): B24HandleResult {
  return { status: error.status, body: error.toErrorBody(), error };
}

function asHookError(error: unknown): B24HookError {
  if (error instanceof B24HookError) return error;
  // Anything else is a bug or a failing token store: fail closed without leaking details.
  return new B24HookError('HANDLER_FAILED', 'b24hooks could not process the event; see the server logs.', { cause: error });
}

function pick(form: FormObject, seen: Seen): void {
  const auth = form.auth;
  if (typeof form.event === 'string') seen.event = form.event;
  else if (typeof form.code === 'string') seen.robot = form.code;
  if (auth && typeof auth === 'object' && !Array.isArray(auth)) {
    if (typeof auth.domain === 'string') seen.domain = auth.domain;
    if (typeof auth.member_id === 'string') seen.memberId = auth.member_id;
  }
}

/**
 * Runs what a verified delivery asks for. This is the one step a durable hand-off replaces
 * (`await handoff.enqueue(...)` instead of the handlers), before the answer.
 */
async function run(parts: PipelineParts, event: B24Event): Promise<void> {
  if (parts.ack === 'before-handlers') {
    parts.receiver.receive(event).catch(() => {
      // receive() already reported handler failures to onError.
    });
    return;
  }
  await parts.receiver.receive(event);
}

/** The durable path: the queue owns the event once `enqueue` resolved, so the answer is 200. */
async function handOffAndForget(parts: PipelineParts, event: B24Event, receivedAt: Date, seen: Seen): Promise<void> {
  await handOff(parts.handoff!, event, receivedAt);
  // The uninstalled portal's token is forgotten here, where it was verified: the job has none.
  // A failing token store no longer changes the answer.
  await parts.verifier.forget(event).catch(async (failure: unknown) => {
    parts.logger?.error?.('b24hooks could not forget an uninstalled portal', { error: describeError(failure), ...seen });
    await parts.reportError(failure instanceof Error ? failure : new Error(describeError(failure)), event);
  });
}

/** Reads, checks and verifies the request: the event (or robot call), or a `B24HookError`. */
async function verifiedEvent(parts: PipelineParts, request: B24Request, seen: Seen): Promise<B24Event | { robot: FormObject; looked: PortalTokens | undefined }> {
  if (request === null || typeof request !== 'object') {
    throw new B24HookError('METHOD_NOT_ALLOWED', 'receiver.handle needs a request { method, contentType, body }.');
  }
  const kind = checkRequestLine(request.method, request.contentType);
  if (kind instanceof B24HookError) throw kind;
  const limits = parts.receiver.limits;
  const body = request.body;
  let form: FormObject;
  let looked: PortalTokens | undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = bodyText(body, limits);
    if (kind === 'form') {
      const credentials = scanCredentials(text);
      const { refusal, looked: scanned } = await parts.verifier.precheck(credentials);
      looked = scanned;
      if (refusal) {
        seen.memberId = credentials.memberId;
        // Read only for the log line, so a forged request costs no more than the scan.
        if (parts.logger) {
          seen.event = credentials.event;
          seen.domain = lastValue(text, 'auth%5Bdomain%5D=');
        }
        throw refusal;
      }
    }
    form = parseText(text, kind, limits);
  } else {
    form = normalizeObject(body, limits);
  }
  pick(form, seen);
  if (isRobotCallForm(form)) return { robot: form, looked };
  return parts.verifier.verify(form, looked);
}

/** `receiver.handle`: request line, body, token, event, handlers; every failure becomes an answer. */
export async function handleRequest(
  parts: PipelineParts,
  request: B24Request,
  options?: B24HandleOptions,
): Promise<B24HandleResult> {
  const seen: Seen = {};
  const receivedAt = new Date();
  let handedOff: B24Event | undefined;
  try {
    const verified = await verifiedEvent(parts, request, seen);
    if ('robot' in verified) return await handleRobotCall(parts, verified.robot, verified.looked, receivedAt);
    const event = verified;
    // With dispatch: false the caller's route is the handler; it calls receiver.forget(event) once done.
    if (options?.dispatch !== false) {
      if (parts.handoff) {
        handedOff = event;
        await handOffAndForget(parts, event, receivedAt, seen);
      } else {
        await run(parts, event);
      }
    }
    return { status: 200, body: { ok: true }, event };
  } catch (caught) {
    const error = asHookError(caught);
    if (error.status < 500) {
      parts.logger?.warn(`b24hooks refused a request: ${error.code}`, { code: error.code, status: error.status, ...seen });
    } else if (error.code === 'HANDOFF_FAILED') {
      parts.logger?.error?.('b24hooks could not hand an event off to its queue', { error: describeError(error.cause), ...seen });
      await parts.reportError(error, handedOff);
    } else if (!(caught instanceof B24HookError)) {
      parts.logger?.error?.('b24hooks failed while processing a request', { error: describeError(caught), ...seen });
      await parts.reportError(caught instanceof Error ? caught : new Error(describeError(caught)));
    } else if (error.code === 'DEPENDENCY_TIMEOUT') {
      parts.logger?.error?.(`b24hooks: ${error.message}`, { code: error.code, ...seen });
    }
    return errorResult(error);
  }
}
