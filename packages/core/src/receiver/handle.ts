import { B24HookError } from '../errors.js';
import type { B24Event } from '../events/types.js';
import type { FormObject } from '../form/types.js';
import type { RobotDispatcher } from '../robots/dispatch.js';
import type { B24RobotCall } from '../robots/types.js';
import { handleRobotCall } from '../robots/handle-robot.js';
import { isRobotCallForm } from '../robots/to-robot-call.js';
import { type Credentials, lastValue, scanAuth, scanAuthBytes, scanCredentials } from '../verify/scan.js';
import type { PortalTokens, Precheck, TokenVerifier } from '../verify/verify.js';
import { describeError } from './deadline.js';
import { type B24Handoff, handOff } from './handoff.js';
import { type BodyKind, bodyText, checkedBytes, checkRequestLine, normalizeObject, parseText } from './request-body.js';
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

/** What the synchronous first look at a request learned, for the rest of the pipeline. */
interface Screened {
  kind: BodyKind;
  /** The body as sent, read from the request once. */
  body: unknown;
  /** The raw body as text, once it was converted (a Buffer's refusal never needs it). */
  text?: string | undefined;
  /** A raw body's bytes, checked to be UTF-8 but not yet converted. */
  bytes?: Buffer | undefined;
  /** The token store's precheck, still to be awaited. */
  pending?: { credentials: Credentials; precheck: Promise<Precheck> };
  looked?: PortalTokens | undefined;
}

/**
 * Request line, body size and, for a raw form body, the token precheck, without any await: a
 * request that cannot pass (a forged token, above all) is answered before the pipeline starts.
 * Returns the refusal, or what the rest of the pipeline needs.
 */
function screen(parts: PipelineParts, request: B24Request, seen: Seen): B24HookError | Screened {
  if (request === null || typeof request !== 'object') {
    return new B24HookError('METHOD_NOT_ALLOWED', 'receiver.handle needs a request { method, contentType, body }.');
  }
  const kind = checkRequestLine(request.method, request.contentType);
  if (kind instanceof B24HookError) return kind;
  const body = request.body;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return { kind, body };
  const limits = parts.receiver.limits;
  if (kind !== 'form') return { kind, body, text: bodyText(body, limits) };
  const verifier = parts.verifier;
  // With a store an install may still pass on a mismatch, which the event name decides: the store
  // path reads all three. Static tokens need only the two the body's tail holds.
  let text: string | undefined;
  let bytes: Buffer | undefined;
  let credentials: Credentials | undefined;
  if (typeof body === 'string') {
    text = bodyText(body, limits);
  } else {
    bytes = checkedBytes(body, limits);
    if (!verifier.usesStore) credentials = scanAuthBytes(bytes, limits.maxParams);
    if (credentials === undefined) text = bytes.toString('utf8');
  }
  credentials ??= verifier.usesStore ? scanCredentials(text!, limits.maxParams) : scanAuth(text!, limits.maxParams);
  const checked = verifier.precheck(credentials);
  if (checked instanceof Promise) return { kind, body, text, pending: { credentials, precheck: checked } };
  if (checked.refusal) return refusedOnScan(parts, checked.refusal, credentials, text ?? bytes!, seen);
  return { kind, body, text, bytes, looked: checked.looked };
}

/** Notes what the log line tells of a request refused on its scanned credentials. */
function refusedOnScan(parts: PipelineParts, refusal: B24HookError, credentials: Credentials, raw: string | Buffer, seen: Seen): B24HookError {
  seen.memberId = credentials.memberId;
  // Read only for the log line, so a forged request costs no more than the scan.
  if (parts.logger) {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    seen.event = parts.verifier.usesStore ? credentials.event : scanCredentials(text, parts.receiver.limits.maxParams).event;
    seen.domain = lastValue(text, 'auth%5Bdomain%5D=');
  }
  return refusal;
}

/** Verifies what `screen` let through: the event (or robot call), or a `B24HookError`. */
async function verifiedEvent(parts: PipelineParts, screened: Screened, seen: Seen): Promise<B24Event | { robot: FormObject; looked: PortalTokens | undefined }> {
  const limits = parts.receiver.limits;
  const { kind, body, pending } = screened;
  let looked = screened.looked;
  let form: FormObject;
  if (pending !== undefined) {
    const { refusal, looked: scanned } = await pending.precheck;
    if (refusal) throw refusedOnScan(parts, refusal, pending.credentials, screened.text!, seen);
    looked = scanned;
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    form = parseText(screened.text ?? screened.bytes!.toString('utf8'), kind, limits);
  } else {
    form = normalizeObject(body, limits);
  }
  pick(form, seen);
  if (isRobotCallForm(form)) return { robot: form, looked };
  return parts.verifier.verify(form, looked);
}

/** Logs a refusal (4xx) and turns it into the answer; `onError` is never told of one. */
function refused(parts: PipelineParts, error: B24HookError, seen: Seen): B24HandleResult {
  parts.logger?.warn(`b24hooks refused a request: ${error.code}`, { code: error.code, status: error.status, ...seen });
  return errorResult(error);
}

/** Every failure becomes an answer: refusals are logged, failures logged and reported. */
async function failed(parts: PipelineParts, caught: unknown, seen: Seen, handedOff?: B24Event): Promise<B24HandleResult> {
  const error = asHookError(caught);
  if (error.status < 500) return refused(parts, error, seen);
  if (error.code === 'HANDOFF_FAILED') {
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

/** `receiver.handle`: request line, body, token, event, handlers; every failure becomes an answer. */
export function handleRequest(parts: PipelineParts, request: B24Request, options?: B24HandleOptions): Promise<B24HandleResult> {
  const seen: Seen = {};
  let screened: B24HookError | Screened;
  try {
    screened = screen(parts, request, seen);
  } catch (caught) {
    return caught instanceof B24HookError && caught.status < 500 ? Promise.resolve(refused(parts, caught, seen)) : failed(parts, caught, seen);
  }
  if (screened instanceof B24HookError) return Promise.resolve(refused(parts, screened, seen));
  return proceed(parts, screened, seen, options);
}

async function proceed(parts: PipelineParts, screened: Screened, seen: Seen, options?: B24HandleOptions): Promise<B24HandleResult> {
  const receivedAt = new Date();
  let handedOff: B24Event | undefined;
  try {
    const verified = await verifiedEvent(parts, screened, seen);
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
    return failed(parts, caught, seen, handedOff);
  }
}
