import type { B24Logger } from '@b24hooks/core';
import { runBatch, type BatchCommands, type BatchOptions, type BatchResult } from './batch.js';
import type { B24Credentials, CredentialStore } from './credentials.js';
import { B24RestError } from './errors.js';
import { listAll, type ListOptions } from './list.js';
import { encodeParams } from './params.js';
import { bucketFor, resolveRateLimit, sleep, type RateLimit } from './rate-limit.js';
import { DEFAULT_OAUTH_SERVER, type AppCredentials } from './refresh.js';
import { isReadMethod, retryDelay, type RetryPolicy } from './retry.js';
import { describeAs } from './secrets.js';
import { oauthTarget, webhookTarget, type EventSource, type Target } from './target.js';
import { postForm } from './transport.js';

export type RestParams = Record<string, unknown>;

export interface RestClientOptions {
  /** An incoming webhook URL: `https://<portal>/rest/<user id>/<secret>/`. */
  webhook?: string;
  /** An event (or robot call) whose `auth` carries OAuth tokens, or stored credentials. */
  auth?: EventSource | B24Credentials;
  /** The portal whose credentials the `credentials` store holds. */
  memberId?: string;
  /** The application's client_id and client_secret: needed to refresh expired tokens. */
  app?: AppCredentials;
  /** Where tokens are read from (with `memberId`) and refreshed tokens are written. */
  credentials?: CredentialStore;
  /** Told the new credentials after each refresh. */
  onRefresh?: (credentials: B24Credentials) => void | Promise<void>;
  /** The OAuth server; default `https://oauth.bitrix.info/oauth/token/`. */
  oauthServer?: string;
  /** Per HTTP request; default 60,000 ms. */
  timeoutMs?: number;
  /** The portal's leaky bucket; default `{ burst: 50, perSecond: 2 }`; `false` for none. */
  rateLimit?: Partial<RateLimit> | false;
  /** Retries after `QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT` and (for reads) network failures; default 3. */
  retries?: number;
  /** The first retry's delay ceiling, doubled each time (jittered); default 1,000 ms. */
  retryDelayMs?: number;
  /** Give up instead of waiting longer than this for a retry (e.g. an operating limit); default 120,000 ms. */
  maxRetryWaitMs?: number;
  /** Allow plain http to hosts other than loopback. */
  allowInsecureHttp?: boolean;
  fetch?: typeof fetch;
  /** Told of each retry and refresh (`warn`): method, code, delay; never a token or secret. */
  logger?: B24Logger;
}

export interface RawResult<T = unknown> {
  result: T;
  total?: number;
  next?: number;
  time?: Record<string, unknown>;
}

export interface RestClient {
  /** Calls a method and resolves with its `result`. */
  call<T = any>(method: string, params?: RestParams): Promise<T>;
  /** Calls a method and resolves with the whole answer: `{ result, total?, next?, time }`. */
  callRaw<T = any>(method: string, params?: RestParams): Promise<RawResult<T>>;
  /** Runs many calls in `batch` requests of up to 50. */
  batch<K extends string>(commands: BatchCommands<K>, options?: BatchOptions): Promise<BatchResult<K>>;
  /** Every item of a list method, page after page. */
  list<T = any>(method: string, params?: RestParams, options?: ListOptions): AsyncIterable<T>;
}

const METHOD_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/i;

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || !Number.isFinite(value)) throw new TypeError(`${name} must be a number >= 0.`);
  return value;
}

/**
 * A client of one portal's REST API, through an incoming webhook URL or an application's OAuth
 * tokens (see DESIGN: "`@b24hooks/rest`: the REST client").
 */
export function createRestClient(options: RestClientOptions): RestClient {
  if (options === null || typeof options !== 'object') throw new TypeError('createRestClient needs options: { webhook } or { auth, app, credentials } or { memberId, app, credentials }.');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = nonNegative(options.timeoutMs, 60_000, 'timeoutMs') || 60_000;
  const allowInsecureHttp = options.allowInsecureHttp === true;
  const policy: RetryPolicy = {
    retries: nonNegative(options.retries, 3, 'retries'),
    baseDelayMs: nonNegative(options.retryDelayMs, 1_000, 'retryDelayMs'),
    maxDelayMs: 30_000,
  };
  const maxRetryWaitMs = nonNegative(options.maxRetryWaitMs, 120_000, 'maxRetryWaitMs');
  const limit = resolveRateLimit(options.rateLimit);
  function log(message: string, details: Record<string, unknown>): void {
    try {
      options.logger?.warn(message, details);
    } catch {
      // A failing logger must not fail the call.
    }
  }

  let target: Target;
  if (options.webhook !== undefined) {
    if (options.auth !== undefined || options.memberId !== undefined) throw new TypeError('Give createRestClient either webhook or auth/memberId, not both.');
    target = webhookTarget(options.webhook, allowInsecureHttp);
  } else {
    target = oauthTarget({
      ...(options.auth !== undefined ? { auth: options.auth } : {}),
      ...(options.memberId !== undefined ? { memberId: options.memberId } : {}),
      ...(options.app !== undefined ? { app: options.app } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      ...(options.onRefresh !== undefined ? { onRefresh: options.onRefresh } : {}),
      oauthServer: options.oauthServer ?? DEFAULT_OAUTH_SERVER,
      fetch: fetchImpl,
      timeoutMs,
      allowInsecureHttp,
      log,
    });
  }

  async function request(method: string, params: RestParams, readOnly: boolean): Promise<Record<string, unknown>> {
    let attempt = 0;
    let renewed = false;
    for (;;) {
      const prepared = await target.prepare(method);
      const host = new URL(prepared.url).host;
      if (limit !== false) await bucketFor(host, limit).take();
      try {
        const body = encodeParams({ ...params, ...prepared.auth });
        const answer = await postForm(prepared.url, body, { fetch: fetchImpl, timeoutMs, method, secrets: target.secrets, host });
        return answer.body;
      } catch (error) {
        if (!(error instanceof B24RestError)) throw error;
        if (error.code === 'QUERY_LIMIT_EXCEEDED' && limit !== false) bucketFor(host, limit).full();
        if (target.kind === 'oauth' && (error.code === 'expired_token' || error.code === 'invalid_token') && !renewed) {
          renewed = true;
          log('b24hooks: the access token was refused; renewing it', { method, code: error.code, portal: host });
          await target.renew(prepared.token, error);
          continue;
        }
        const delay = retryDelay(error, attempt, policy, readOnly);
        if (delay === undefined || delay > maxRetryWaitMs) throw error;
        attempt++;
        log('b24hooks: retrying a REST call', { method, code: error.code, attempt, delayMs: Math.round(delay), portal: host });
        await sleep(delay);
      }
    }
  }

  function checkMethod(method: string): void {
    if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
      throw new TypeError(`"${String(method).slice(0, 80)}" is not a REST method name (such as crm.deal.get).`);
    }
  }

  async function callRaw(method: string, params: RestParams = {}, readOnly = isReadMethod(method)): Promise<RawResult> {
    checkMethod(method);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new TypeError(`${method}: params must be an object.`);
    const body = await request(method, params, readOnly);
    const raw: RawResult = { result: body.result };
    if (body.total !== undefined) raw.total = Number(body.total);
    if (body.next !== undefined) raw.next = Number(body.next);
    if (body.time !== undefined) raw.time = body.time as Record<string, unknown>;
    return raw;
  }

  const client: RestClient = {
    async call(method, params) {
      return (await callRaw(method, params)).result as never;
    },
    callRaw: (method, params) => callRaw(method, params) as never,
    batch: (commands, batchOptions) => runBatch((params, readOnly) => callRaw('batch', params, readOnly), commands, batchOptions),
    list: (method, params, listOptions) => listAll((m, p) => callRaw(m, p), method, params, listOptions),
  };
  return describeAs(client, () => ({ kind: 'b24hooks REST client', ...target.view() }));
}
