import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FormObject } from '@b24hooks/core';
import { isFakeAnswer, timeBlock } from './answer.js';
import { runBatch } from './batch.js';
import { authorise, methodInPath } from './auth.js';
import { setDefaultMethods } from './default-methods.js';
import { FakePortalError, notFoundMethod, queryLimit } from './errors.js';
import { readBody, requestParams, sendJson } from './http.js';
import { listHandler } from './list-method.js';
import { installOfflineQueue, type FakeOfflineQueue } from './offline-queue.js';
import { answerTokenRequest } from './oauth-endpoint.js';
import { bizprocOf, installBizproc, issueEventToken, postPortalRobot } from './bizproc.js';
import { postPortalEvent, postPortalRobotCall } from './post-event.js';
import { createLeakyBucket } from './rate-limit.js';
import { createTokenBook, randomHex } from './tokens.js';
import type { CallAuth, FakePortal, FakePortalOptions, FakeRateLimit, MethodHandler, RecordedCall, RecordedRefresh } from './types.js';

const DEFAULT_LIMIT: FakeRateLimit = { burst: 50, perSecond: 2 };

/**
 * A Bitrix24 portal on 127.0.0.1 that speaks the REST wire format: incoming webhook and OAuth
 * auth, methods a test sets, every call recorded, paging, `batch`, the leaky-bucket limit,
 * expiring tokens and the OAuth refresh endpoint. It also posts events to a URL.
 */
export async function createFakePortal(options: FakePortalOptions = {}): Promise<FakePortal> {
  const handlers = new Map<string, MethodHandler>();
  const calls: RecordedCall[] = [];
  const refreshes: RecordedRefresh[] = [];
  const book = createTokenBook(options.tokenLifetimeSeconds ?? 3600);
  let bucket = createLeakyBucket(options.rateLimit ?? DEFAULT_LIMIT);
  let rejectedByLimit = 0;
  let offline: FakeOfflineQueue;
  const webhook = { userId: options.webhook?.userId ?? 1, secret: options.webhook?.secret ?? randomHex(8) };
  const app = { clientId: options.app?.clientId ?? `local.${randomHex(7)}.${randomHex(4)}`, clientSecret: options.app?.clientSecret ?? randomHex(25) };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'INTERNAL_SERVER_ERROR', error_description: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });
  // Clients keep connections alive; closing must not wait for them.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  async function dispatch(method: string, params: FormObject, auth: CallAuth, inBatch: boolean): Promise<unknown> {
    const name = method.toLowerCase();
    if (name === 'batch' && !inBatch) return runBatch(params, auth, (command, commandParams, commandAuth) => record(command, commandParams, commandAuth, true));
    const handler = handlers.get(name);
    if (handler === undefined) throw notFoundMethod();
    return handler(params, { portal, method: name, auth, inBatch });
  }

  /** Runs a call and records it (batch commands recorded with the status 200 of their batch). */
  async function record(method: string, params: FormObject, auth: CallAuth, inBatch: boolean): Promise<unknown> {
    const entry: RecordedCall = { method: method.toLowerCase(), params, auth, inBatch, status: 200, at: new Date() };
    calls.push(entry);
    try {
      return await dispatch(method, params, auth, inBatch);
    } catch (error) {
      const refusal = error instanceof FakePortalError;
      entry.error = refusal ? error.code : 'INTERNAL_SERVER_ERROR';
      if (!inBatch) entry.status = refusal ? error.status : 500;
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestUrl = new URL(req.url ?? '/', url);
    const body = await readBody(req);
    let params: FormObject;
    try {
      params = requestParams(req, body, requestUrl);
    } catch {
      return sendJson(res, 400, { error: 'INVALID_REQUEST', error_description: 'The request body could not be parsed' });
    }
    if (/^\/oauth\/token\/?$/.test(requestUrl.pathname)) {
      const answer = answerTokenRequest(portal, book, params, new Set(requestUrl.searchParams.keys()));
      refreshes.push(answer.record);
      return sendJson(res, answer.status, answer.body);
    }
    try {
      let authorised: { method: string; auth: CallAuth };
      try {
        authorised = authorise(requestUrl.pathname, params, webhook, book);
      } catch (error) {
        // Refused calls are recorded too (without auth), so a test sees the expired_token a client got.
        const named = methodInPath(requestUrl.pathname);
        if (named !== undefined && error instanceof FakePortalError) {
          calls.push({ method: named.toLowerCase(), params: withoutAuth(params), inBatch: false, status: error.status, error: error.code, at: new Date() });
        }
        throw error;
      }
      const { method, auth } = authorised;
      if (!bucket.admit()) {
        rejectedByLimit++;
        calls.push({ method: method.toLowerCase(), params: withoutAuth(params), auth, inBatch: false, status: 503, error: 'QUERY_LIMIT_EXCEEDED', at: new Date() });
        throw queryLimit();
      }
      const answer = await record(method, withoutAuth(params), auth, false);
      const extra = isFakeAnswer(answer) ? { total: answer.total, next: answer.next } : {};
      const result = isFakeAnswer(answer) ? answer.result : answer;
      sendJson(res, 200, { result: result === undefined ? null : result, ...dropUndefined(extra), time: timeBlock(started) });
    } catch (error) {
      if (!(error instanceof FakePortalError)) throw error;
      sendJson(res, error.status, { error: error.code, error_description: error.description, ...error.extra });
    }
  }

  const portal: FakePortal = {
    url,
    domain: options.domain ?? `127.0.0.1:${port}`,
    memberId: options.memberId ?? randomHex(16),
    webhookUrl: `${url}/rest/${webhook.userId}/${webhook.secret}/`,
    webhook,
    clientEndpoint: `${url}/rest/`,
    oauthServer: `${url}/oauth/token/`,
    serverEndpoint: `${url}/rest/`,
    app,
    applicationToken: options.applicationToken ?? randomHex(16),
    get tokens() {
      return { ...book.latest };
    },
    calls,
    refreshes,
    get rejectedByLimit() {
      return rejectedByLimit;
    },
    state: new Map(),
    get offline() {
      return offline;
    },
    method(name, handler) {
      if (typeof handler !== 'function') throw new TypeError(`portal.method("${name}", handler): handler must be a function.`);
      handlers.set(name.toLowerCase(), handler);
      return portal;
    },
    listMethod(name, rows) {
      return portal.method(name, listHandler(rows));
    },
    callsOf(method) {
      const name = method.toLowerCase();
      return calls.filter((call) => call.method === name);
    },
    issueTokens: () => ({ ...book.issue() }),
    expireTokens: () => book.expireAll(),
    setRateLimit(limit) {
      bucket = createLeakyBucket(limit);
    },
    eventAuth(eventOptions = {}) {
      const base = { domain: portal.domain, client_endpoint: portal.clientEndpoint, server_endpoint: portal.serverEndpoint, member_id: portal.memberId };
      const token = eventOptions.token ?? portal.applicationToken;
      if (eventOptions.oauth === false) return { ...base, application_token: token };
      const tokens = book.latest;
      return {
        access_token: tokens.accessToken,
        expires: tokens.expires,
        expires_in: Math.max(0, tokens.expires - Math.floor(Date.now() / 1000)),
        scope: 'crm,user,bizproc,placement,imbot',
        ...base,
        status: 'L',
        user_id: 1,
        refresh_token: tokens.refreshToken,
        application_token: token,
      };
    },
    postEvent: (target, name, eventOptions) => postPortalEvent(portal, target, name, eventOptions),
    // The call's event token is one this portal issued, so its reply is marked known.
    postRobotCall: (target, robotOptions) => postPortalRobotCall(portal, target, { ...robotOptions, eventToken: issueEventToken(portal, robotOptions?.eventToken) }),
    get bizproc() {
      return bizprocOf(portal);
    },
    postRobot: (target, definition, values, robotOptions) => postPortalRobot(portal, target, definition, values as never, robotOptions),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };

  setDefaultMethods(portal);
  offline = installOfflineQueue(portal);
  installBizproc(portal);
  for (const [name, handler] of Object.entries(options.methods ?? {})) portal.method(name, handler);
  return portal;
}

function withoutAuth(params: FormObject): FormObject {
  const { auth: _auth, ...rest } = params;
  return rest;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}
