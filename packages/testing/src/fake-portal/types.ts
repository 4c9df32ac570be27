import type { FormObject } from '@b24hooks/core';
import type { B24RobotDefinition } from '@b24hooks/core';
import type { RobotValues } from '../build-robot.js';
import type { SendResult } from '../send.js';
import type { FakeOfflineQueue } from './offline-queue.js';
import type { FakeBizproc, PostRobotOptions, PostRobotResult } from './bizproc.js';

/** Who made a call: the incoming webhook's user, or an application token. */
export type CallAuth = { kind: 'webhook'; userId: number } | { kind: 'oauth'; accessToken: string; userId: number };

/** What a method handler gets besides the call's parameters. */
export interface MethodContext {
  portal: FakePortal;
  method: string;
  auth: CallAuth;
  /** True for a command run inside `batch`. */
  inBatch: boolean;
}

/**
 * A REST method of the fake portal: it returns the `result` (or a `fakeAnswer({ result, total,
 * next })` for paging), or throws a `FakePortalError` to answer `{ error, error_description }`.
 */
export type MethodHandler = (params: FormObject, context: MethodContext) => unknown;

/** One call the portal received, batch commands included (with `inBatch`). */
export interface RecordedCall {
  method: string;
  /** The parameters as the portal parsed them, without `auth`. */
  params: FormObject;
  auth?: CallAuth;
  inBatch: boolean;
  /** The HTTP status answered (for a batch command, that of its batch). */
  status: number;
  /** Bitrix24's error code when the call failed. */
  error?: string;
  at: Date;
}

/** One request to the OAuth token endpoint. */
export interface RecordedRefresh {
  grantType: string | undefined;
  clientId: string | undefined;
  /** True when `client_secret` came in the query string (visible in access logs) instead of the body. */
  secretInQuery: boolean;
  status: number;
  error?: string;
  at: Date;
}

export interface FakeTokens {
  accessToken: string;
  refreshToken: string;
  /** Unix seconds. */
  expires: number;
}

export interface FakeRateLimit {
  burst: number;
  perSecond: number;
}

export interface FakePortalOptions {
  /** What events say in `auth[domain]`; default the server's `127.0.0.1:<port>`. */
  domain?: string;
  memberId?: string;
  /** The incoming webhook's user id and secret (default 1 and a random secret). */
  webhook?: { userId?: number; secret?: string };
  /** The application installed on the portal. */
  app?: { clientId?: string; clientSecret?: string };
  /** The application token events carry. */
  applicationToken?: string;
  /** The portal's leaky bucket; default `{ burst: 50, perSecond: 2 }` (Bitrix24's); `false` for none. */
  rateLimit?: FakeRateLimit | false;
  /** How long issued access tokens live; default 3,600 s. */
  tokenLifetimeSeconds?: number;
  /** The port to listen on (default: any free one). */
  port?: number;
  /** Methods to set from the start (as `portal.method(name, handler)` does). */
  methods?: Record<string, MethodHandler>;
}

export interface PostEventOptions {
  /** Deep-merged over the fixture's data (see `buildEventBody`). */
  data?: unknown;
  /** With the application's OAuth tokens (default), or as an outgoing webhook (`false`). */
  oauth?: boolean;
  /** `auth[application_token]`; default the portal's. */
  token?: string;
  /** Any other `auth[...]` key to set or remove (`null`). */
  auth?: Record<string, string | number | null | undefined>;
  timeoutMs?: number;
}

export interface PostRobotCallOptions {
  /** The robot's (or activity's) code. */
  code: string;
  /** `properties[...]`, as the workflow filled them in (values as text, lists for `multiple`). */
  properties?: Record<string, unknown>;
  /** `document_id`: default `['crm', 'CCrmDocumentDeal', 'DEAL_1']`. */
  document?: [string, string, string];
  /** `document_type`: default `['crm', 'CCrmDocumentDeal', 'DEAL']`. */
  documentType?: [string, string, string];
  /** `event_token` (default a made-up one); the app answers with it through `bizproc.event.send`. */
  eventToken?: string;
  workflowId?: string;
  /** `use_subscription`: `Y` unless false (`N`). */
  useSubscription?: boolean;
  /** `timeout_duration` in seconds; default 0. */
  timeoutDuration?: number;
  /** With the application's OAuth tokens (default), or only the five keys (`false`). */
  oauth?: boolean;
  token?: string;
  auth?: Record<string, string | number | null | undefined>;
  timeoutMs?: number;
}

export interface FakePortal {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly domain: string;
  readonly memberId: string;
  /** The incoming webhook URL: `<url>/rest/<user>/<secret>/`. */
  readonly webhookUrl: string;
  readonly webhook: { userId: number; secret: string };
  /** `<url>/rest/`: where applications call with `auth=<token>`. */
  readonly clientEndpoint: string;
  /** The OAuth token endpoint (pass it to the client as `oauthServer`). */
  readonly oauthServer: string;
  readonly serverEndpoint: string;
  readonly app: { clientId: string; clientSecret: string };
  readonly applicationToken: string;
  /** The tokens issued last (an install, a refresh). */
  readonly tokens: FakeTokens;
  /** Every REST call received, in order. */
  readonly calls: RecordedCall[];
  /** Every request to the OAuth token endpoint. */
  readonly refreshes: RecordedRefresh[];
  /** Calls refused with `QUERY_LIMIT_EXCEEDED`. */
  readonly rejectedByLimit: number;
  /** A place for extensions (offline events, robots…) to keep their per-portal state. */
  readonly state: Map<string, unknown>;
  /** The offline-events queue (`event.offline.get/clear/error/list`): tests seed it with `add`. */
  readonly offline: FakeOfflineQueue;

  /** Sets (or replaces) a REST method. Names are case-insensitive, as in Bitrix24. */
  method(name: string, handler: MethodHandler): this;
  /** Sets a list method over `rows`: paging by 50, `start=-1`, `filter` on ID, `order` by ID, `select`. */
  listMethod(name: string, rows: ReadonlyArray<Record<string, unknown>>): this;
  /** Calls recorded for one method. */
  callsOf(method: string): RecordedCall[];
  /** Issues a new token pair (as an install or a reinstall does) and returns it. */
  issueTokens(): FakeTokens;
  /** Makes every access token issued so far expired (`expired_token`), as an hour passing does. */
  expireTokens(): void;
  /** Changes the leaky bucket (and empties it). */
  setRateLimit(limit: FakeRateLimit | false): void;
  /** The `auth[...]` block an event from this portal carries. */
  eventAuth(options?: { oauth?: boolean; token?: string }): Record<string, string | number>;
  /** Posts a PHP-encoded event from this portal to `url` (see `buildEventBody`). */
  postEvent(url: string | URL, name: string, options?: PostEventOptions): Promise<SendResult>;
  /** Posts a business-process robot call from this portal to `url` (PHP-encoded, no `event`). */
  postRobotCall(url: string | URL, options: PostRobotCallOptions): Promise<SendResult>;
  /** Registered robots and activities, `bizproc.event.send` replies and `bizproc.activity.log` lines. */
  readonly bizproc: FakeBizproc;
  /** Posts a robot (or activity) call from this portal to `url` (see `buildRobotBody`), with a fresh event token. */
  postRobot<D extends B24RobotDefinition>(
    url: string | URL,
    definition: D | string,
    values?: RobotValues<D['properties']>,
    options?: PostRobotOptions,
  ): Promise<PostRobotResult>;
  /** Stops the server. */
  close(): Promise<void>;
}
