import { encodeForm } from '@b24hooks/core';
import type { B24Credentials } from './credentials.js';
import { checkEndpoint } from './endpoint.js';
import { B24RestError } from './errors.js';
import { postForm } from './transport.js';

export const DEFAULT_OAUTH_SERVER = 'https://oauth.bitrix.info/oauth/token/';

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

export interface RefreshRequest {
  app: AppCredentials;
  oauthServer: string;
  current: B24Credentials;
  fetch: typeof fetch;
  timeoutMs: number;
  allowInsecureHttp: boolean;
  method: string;
}

/**
 * Trades the refresh token for new tokens at the OAuth server: a POST whose body carries the
 * client secret (a query string would end up in access logs).
 */
export async function refreshTokens(request: RefreshRequest): Promise<B24Credentials> {
  const { app, current } = request;
  const server = checkEndpoint(request.oauthServer, 'oauthServer', request.allowInsecureHttp);
  const secrets = () => [app.clientSecret, current.refreshToken, current.accessToken];
  const body = encodeForm({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: current.refreshToken });
  let answer: Record<string, unknown>;
  try {
    ({ body: answer } = await postForm(server.href, body, { fetch: request.fetch, timeoutMs: request.timeoutMs, method: request.method, secrets, host: server.host }));
  } catch (error) {
    const failure = error as B24RestError;
    const code = failure.code === '' ? 'REFRESH_FAILED' : failure.code;
    throw new B24RestError(code, `${request.method}: the access token expired and refreshing it at ${server.host} failed (${failure.code || `HTTP ${failure.status}`}${failure.description ? `: ${failure.description}` : ''}); the portal may need the application reinstalled.`, {
      status: failure.status,
      description: failure.description,
      method: request.method,
    });
  }
  const text = (key: string) => (typeof answer[key] === 'string' && answer[key] !== '' ? (answer[key] as string) : undefined);
  const accessToken = text('access_token');
  if (accessToken === undefined) {
    throw new B24RestError('REFRESH_FAILED', `${request.method}: ${server.host} answered the refresh without an access_token.`, { method: request.method });
  }
  const memberId = text('member_id') ?? current.memberId;
  if (memberId !== current.memberId) {
    // New tokens for another portal must never be stored under this one.
    throw new B24RestError('REFRESH_FAILED', `${request.method}: the OAuth server returned tokens of another portal; refusing them.`, { method: request.method });
  }
  const expires = Number(answer.expires);
  const expiresIn = Number(answer.expires_in);
  const expiresAt = Number.isFinite(expires) && expires > 0 ? new Date(expires * 1000) : Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : undefined;
  const refreshToken = text('refresh_token') ?? current.refreshToken;
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    domain: text('domain') ?? current.domain,
    clientEndpoint: text('client_endpoint') ?? current.clientEndpoint,
    serverEndpoint: text('server_endpoint') ?? current.serverEndpoint,
    memberId,
  };
}

interface Shared {
  from: string;
  promise: Promise<B24Credentials>;
}

// Per portal in this process: the refresh under way, and the last one done, each with the access
// token it replaced, so every client holding that token joins it instead of spending the refresh
// token a second time.
const running = new Map<string, Shared>();
const finished = new Map<string, Shared>();

export function sharedRefresh(portal: string, expiredToken: string, run: () => Promise<B24Credentials>): Promise<B24Credentials> {
  for (const shared of [running.get(portal), finished.get(portal)]) {
    if (shared?.from === expiredToken) return shared.promise;
  }
  const promise = run();
  const entry = { from: expiredToken, promise };
  running.set(portal, entry);
  promise.then(
    () => {
      if (running.get(portal) === entry) running.delete(portal);
      finished.set(portal, entry);
    },
    () => {
      if (running.get(portal) === entry) running.delete(portal);
    },
  );
  return promise;
}
