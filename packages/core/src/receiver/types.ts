import type { B24ErrorBody, B24HookError } from '../errors.js';
import type { B24Event, B24EventPattern, B24EventsMatching } from '../events/types.js';
import type { FormLimits, ResolvedFormLimits } from '../form/limits.js';
import type { FormObject } from '../form/types.js';
import type { B24RobotRunOptions } from '../robots/dispatch.js';
import type { B24RestFactory, B24RobotCall, B24RobotCodeHandler, B24RobotDefinition, B24RobotHandler, B24RobotProperties } from '../robots/types.js';
import type { VerifyOptions } from '../verify/verify.js';
import type { TimeoutOptions } from './deadline.js';
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
  /** Gets every refused request at warn level (code, domain, member id; never a token). A logger that throws changes no answer. */
  logger?: B24Logger;
  /**
   * A REST client for the portal that sent a robot call, to answer it with `bizproc.event.send`
   * (`createRestFactory({ app })` of `@b24hooks/rest`). Needed by `onRobot`.
   */
  rest?: B24RestFactory;
  /**
   * `'lenient'` (default): once the token matched, a delivery whose data does not match the
   * registry is still accepted, its fields as sent, the mismatches in `event.problems` (and one
   * warning per event name and path). `'strict'`: refused with `INVALID_EVENT`.
   */
  shapes?: 'lenient' | 'strict';
  /**
   * Bounded waits. `dependencyMs` (default 10 s): each call of the token store or the install
   * policy; past it `503 DEPENDENCY_TIMEOUT`. `handlersMs` (default 25 s): the handlers of one
   * delivery, `onError` included; past it `500 HANDLER_FAILED`, and `onError` hears it.
   */
  timeouts?: TimeoutOptions;
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
  /** Set instead of `event` for a robot (or activity) call; its handler already ran. */
  robotCall?: B24RobotCall;
  error?: B24HookError;
}

export type B24EventHandler<E> = (event: E) => unknown;
/** Gets the failed delivery too: the event, or (for a robot call) `undefined` and the call. */
export type B24ErrorHandler = (error: Error, event?: B24Event, robotCall?: B24RobotCall) => unknown;

export interface Receiver {
  /** Runs `handler` for a name, a list of names, or a `PREFIX*` pattern (`'ONCRMDEAL*'`). */
  on<const P extends B24EventPattern>(
    names: P | readonly P[],
    handler: B24EventHandler<B24Event<B24EventsMatching<P>>>,
  ): Receiver;
  onAny(handler: B24EventHandler<B24Event>): Receiver;
  /**
   * Answers robot (or activity) calls with this code: the handler's return value goes back to the
   * workflow with `bizproc.event.send` (needs `createReceiver({ rest })`). One handler per code.
   */
  onRobot<P extends B24RobotProperties, R extends B24RobotProperties>(
    definition: B24RobotDefinition<P, R>,
    handler: B24RobotHandler<P, R>,
  ): Receiver;
  onRobot(code: string, handler: B24RobotCodeHandler): Receiver;
  /**
   * Runs a verified call's handler and sends its reply, as `handle()` does; for a worker that took
   * the call from a queue (`toRobotCall(form)`). Rejects with `HANDLER_FAILED` or `UNKNOWN_ROBOT`.
   * `report: false` (an attempt that will be retried) keeps the failure from onError and the
   * workflow log.
   */
  receiveRobot(call: B24RobotCall, options?: B24RobotRunOptions): Promise<void>;
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
