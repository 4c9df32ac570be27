import { B24HookError } from '../errors.js';
import type { B24Event } from '../events/types.js';
import type { FormObject } from '../form/types.js';
import { lastValue, scanCredentials } from '../verify/scan.js';
import type { PortalTokens, TokenVerifier } from '../verify/verify.js';
import { type B24Handoff, handOff } from './handoff.js';
import { bodyText, checkRequestLine, normalizeObject, parseText } from './request-body.js';
import type { B24HandleOptions, B24HandleResult, B24Logger, B24Request, Receiver } from './types.js';

export interface PipelineParts {
  receiver: Pick<Receiver, 'limits' | 'receive'>;
  verifier: TokenVerifier;
  ack: 'after-handlers' | 'before-handlers';
  handoff?: B24Handoff | undefined;
  logger: B24Logger | undefined;
  reportError(error: Error, event?: B24Event): Promise<void>;
}

interface Seen {
  event?: string | undefined;
  domain?: string | undefined;
  memberId?: string | undefined;
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
  if (auth && typeof auth === 'object' && !Array.isArray(auth)) {
    if (typeof auth.domain === 'string') seen.domain = auth.domain;
    if (typeof auth.member_id === 'string') seen.memberId = auth.member_id;
  }
}

/** `receiver.handle`: request line, body, token, event, handlers; every failure becomes an answer. */
export async function handleRequest(
  parts: PipelineParts,
  request: B24Request,
  options?: B24HandleOptions,
): Promise<B24HandleResult> {
  const seen: Seen = {};
  const receivedAt = new Date();
  let verified: B24Event | undefined;
  try {
    const kind = checkRequestLine(request.method, request.contentType);
    if (kind instanceof B24HookError) throw kind;
    const limits = parts.receiver.limits;
    let form: FormObject;
    let looked: PortalTokens | undefined;
    if (typeof request.body === 'string' || request.body instanceof Uint8Array) {
      const text = bodyText(request.body, limits);
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
      form = normalizeObject(request.body, limits);
    }
    pick(form, seen);
    const event = await parts.verifier.verify(form, looked);
    // With dispatch: false the caller's route is the handler; it calls receiver.forget(event) once done.
    if (options?.dispatch === false) return { status: 200, body: { ok: true }, event };
    if (parts.handoff) {
      verified = event;
      await handOff(parts.handoff, event, receivedAt);
      // The uninstalled portal's token is forgotten here, where it was verified: the job has none.
      // The event is owned by the queue now, so a failing token store does not change the answer.
      await parts.verifier.forget(event).catch(async (failure: unknown) => {
        parts.logger?.error?.('b24hooks could not forget an uninstalled portal', { error: String(failure), ...seen });
        await parts.reportError(failure instanceof Error ? failure : new Error(String(failure)), event);
      });
      return { status: 200, body: { ok: true }, event };
    }
    if (parts.ack === 'before-handlers') {
      parts.receiver.receive(event).catch(() => {
        // receive() already reported handler failures to onError.
      });
    } else {
      await parts.receiver.receive(event);
    }
    return { status: 200, body: { ok: true }, event };
  } catch (caught) {
    const error = asHookError(caught);
    if (error.status < 500) {
      parts.logger?.warn(`b24hooks refused a request: ${error.code}`, { code: error.code, status: error.status, ...seen });
    } else if (error.code === 'HANDOFF_FAILED') {
      parts.logger?.error?.('b24hooks could not hand an event off to its queue', { error: String(error.cause), ...seen });
      await parts.reportError(error, verified);
    } else if (!(caught instanceof B24HookError)) {
      parts.logger?.error?.('b24hooks failed while processing a request', { error: String(caught), ...seen });
      await parts.reportError(caught instanceof Error ? caught : new Error(String(caught)));
    }
    return errorResult(error);
  }
}
