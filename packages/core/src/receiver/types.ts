import type { B24ErrorBody, B24HookError } from '../errors.js';
import type { B24Event, B24EventPattern, B24EventsMatching } from '../events/types.js';
import type { FormLimits, ResolvedFormLimits } from '../form/limits.js';
import type { FormObject } from '../form/types.js';
import type { VerifyOptions } from '../verify/verify.js';
import type { B24Handoff } from './handoff.js';

/** Anything with `warn` (and optionally `error`): `console`, pino, winston, Nest's Logger. */
export interface B24Logger {
  warn(message: string, details?: Record<string, unknown>): void;
  error?(message: string, details?: Record<string, unknown>): void;
}

export interface ReceiverOptions extends VerifyOptions {
  limits?: FormLimits;
  /**
   * `'after-handlers'` (default): answer once every handler has finished, 500 if one failed.
   * `'before-handlers'`: answer 200 as soon as the event is verified and run handlers after;
   * their failures go to `onError`. Bitrix24 never retries, so only use it when handlers persist
   * the event themselves.
   */
  ack?: 'after-handlers' | 'before-handlers';
  /** Gets every refused request at warn level (code, domain, member id; never a token). */
  logger?: B24Logger;
  /**
   * Persist each verified delivery (`createQueue()` of `@b24hooks/bullmq`) instead of running the
   * handlers in the request: 200 once `enqueue` resolved, else `503 HANDOFF_FAILED`. Workers run
   * the handlers. Takes precedence over `ack`.
   */
  handoff?: B24Handoff;
}

export interface B24Request {
  method: string;
  contentType?: string | undefined;
  /** The raw body, or what another body parser already made of it. */
  body: string | Uint8Array | object;
}

export type B24SuccessBody = { ok: true };

export interface B24HandleOptions {
  /**
   * `false`: read, check and verify only, and return the event without running any handler. For
   * adapters whose route is the handler (Express and Koa `respond: false`, Nest's guard); once the
   * app has handled the event, they call `receiver.forget(event)`.
   */
  dispatch?: boolean;
}

export interface B24HandleResult {
  status: number;
  body: B24SuccessBody | B24ErrorBody;
  event?: B24Event;
  error?: B24HookError;
}

export type B24EventHandler<E> = (event: E) => unknown;
export type B24ErrorHandler = (error: Error, event?: B24Event) => unknown;

export interface Receiver {
  /** Runs `handler` for a name, a list of names, or a `PREFIX*` pattern (`'ONCRMDEAL*'`). */
  on<const P extends B24EventPattern>(
    names: P | readonly P[],
    handler: B24EventHandler<B24Event<B24EventsMatching<P>>>,
  ): Receiver;
  onAny(handler: B24EventHandler<B24Event>): Receiver;
  /** Hears handler failures (never refusals of requests: those go to the logger). */
  onError(handler: B24ErrorHandler): Receiver;
  /** Checks the token, then builds the typed event. Throws `B24HookError`. */
  verify(form: FormObject): Promise<B24Event>;
  /** Runs the handlers that match the event; rejects with `HANDLER_FAILED` if any failed. */
  receive(event: B24Event): Promise<void>;
  /** The whole pipeline from a request to an answer. Never throws. */
  handle(request: B24Request, options?: B24HandleOptions): Promise<B24HandleResult>;
  /**
   * For an event the app handled itself (`handle(request, { dispatch: false })`): forgets the
   * portal of an `ONAPPUNINSTALL`, as `receive()` does after its handlers. Any other event: no-op.
   */
  forget(event: B24Event): Promise<void>;
  readonly limits: ResolvedFormLimits;
  readonly logger: B24Logger | undefined;
}
