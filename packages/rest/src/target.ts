import { credentialsFromEvent, type B24Credentials, type CredentialStore } from './credentials.js';
import { checkEndpoint } from './endpoint.js';
import { B24RestError } from './errors.js';
import { refreshTokens, sharedRefresh, type AppCredentials } from './refresh.js';
import { parseWebhookUrl } from './webhook-url.js';

/** Where calls go and how they are authorised: a webhook URL, or an application's tokens. */
export interface Target {
  kind: 'webhook' | 'oauth';
  /** The URL of a method and the parameters that authorise it, with the token they use. */
  prepare(method: string): Promise<{ url: string; auth: Record<string, string>; token?: string }>;
  /** After `expired_token`: resolves when a fresh token is ready to try again, or throws. */
  renew(expiredToken: string | undefined, error: B24RestError): Promise<void>;
  secrets(): Array<string | undefined>;
  view(): Record<string, unknown>;
}

export function webhookTarget(url: string, allowInsecureHttp: boolean): Target {
  const webhook = parseWebhookUrl(url, allowInsecureHttp);
  return {
    kind: 'webhook',
    prepare: async (method) => ({ url: `${webhook.base}${method}.json`, auth: {} }),
    async renew(_token, error) {
      throw error;
    },
    secrets: () => [webhook.secret],
    view: () => ({ auth: 'webhook', portal: webhook.host, userId: Number(webhook.userId) }),
  };
}

export interface EventSource {
  portal: { domain: string; memberId: string; clientEndpoint: string; serverEndpoint: string };
  auth?: { accessToken: string; refreshToken?: string; expiresAt?: Date } | undefined;
}

export interface OAuthTargetOptions {
  auth?: EventSource | B24Credentials;
  memberId?: string;
  app?: AppCredentials;
  credentials?: CredentialStore;
  oauthServer: string;
  onRefresh?: (credentials: B24Credentials) => void | Promise<void>;
  fetch: typeof fetch;
  timeoutMs: number;
  allowInsecureHttp: boolean;
  log: (message: string, details: Record<string, unknown>) => void;
}

function initialCredentials(auth: EventSource | B24Credentials): B24Credentials | undefined {
  if ('portal' in auth && auth.portal !== null && typeof auth.portal === 'object') return credentialsFromEvent(auth);
  const direct = auth as B24Credentials;
  return typeof direct.accessToken === 'string' && direct.accessToken !== '' ? { ...direct } : undefined;
}

const EXPIRY_SOON_MS = 5_000;

export function oauthTarget(options: OAuthTargetOptions): Target {
  const { app, credentials: store } = options;
  let current: B24Credentials | undefined;
  // Every token this client held, so an error written after a refresh cannot show an old one.
  const known = new Set<string>();
  const remember = (held: B24Credentials) => {
    known.add(held.accessToken);
    if (held.refreshToken) known.add(held.refreshToken);
    return held;
  };
  let memberId = options.memberId;
  if (options.auth !== undefined) {
    current = initialCredentials(options.auth);
    const portal = (options.auth as EventSource).portal;
    memberId ??= current?.memberId ?? portal?.memberId;
    if (current === undefined && (store === undefined || !memberId)) {
      throw new TypeError(
        'auth has no access_token (outgoing webhooks, automation-caused events and ONAPPUNINSTALL carry none); pass credentials: a CredentialStore that holds the portal\'s tokens, or use a webhook URL.',
      );
    }
  } else if (!memberId || store === undefined) {
    throw new TypeError('createRestClient needs webhook (an incoming webhook URL), auth (an event with OAuth tokens), or memberId with credentials (a CredentialStore).');
  }
  if (app !== undefined && (typeof app.clientId !== 'string' || app.clientId === '' || typeof app.clientSecret !== 'string' || app.clientSecret === '')) {
    throw new TypeError('app needs clientId and clientSecret (the application\'s client_id and client_secret).');
  }
  if (current !== undefined) remember(current);
  if (current !== undefined) checkEndpoint(current.clientEndpoint, 'auth client_endpoint', options.allowInsecureHttp);

  async function load(method: string): Promise<B24Credentials> {
    if (current !== undefined) return current;
    const stored = await store!.get(memberId!);
    if (stored === undefined) {
      throw new B24RestError('NO_CREDENTIALS', `${method}: no credentials are stored for this portal; store them (credentialsFromEvent) when the application is installed.`, { method });
    }
    checkEndpoint(stored.clientEndpoint, 'the stored client_endpoint', options.allowInsecureHttp);
    current = remember(stored);
    return current;
  }

  async function refresh(from: B24Credentials, method: string, error?: B24RestError): Promise<void> {
    if (store !== undefined) {
      // Another process may have refreshed already: its tokens are in the store.
      const stored = await store.get(from.memberId);
      if (stored !== undefined && stored.accessToken !== from.accessToken) {
        current = remember(stored);
        return;
      }
    }
    if (app === undefined || !from.refreshToken) {
      const missing = app === undefined ? 'app: { clientId, clientSecret } so the client can refresh it' : 'a refresh token (the event or the store had none)';
      throw new B24RestError(error?.code ?? 'expired_token', `${method}: the access token has expired; give the client ${missing}.`, {
        status: error?.status ?? 401,
        description: error?.description ?? '',
        method,
      });
    }
    const fresh = await sharedRefresh(from.memberId || from.domain, from.accessToken, async () => {
      const renewed = await refreshTokens({ app, oauthServer: options.oauthServer, current: from, fetch: options.fetch, timeoutMs: options.timeoutMs, allowInsecureHttp: options.allowInsecureHttp, method });
      // The old refresh token is spent now: a store or callback failing must not lose the new
      // tokens too, so the calls go on with them and the failure is logged.
      try {
        await store?.set(renewed.memberId, renewed);
      } catch (failure) {
        options.log('b24hooks: could not store refreshed credentials', { memberId: renewed.memberId, error: failure instanceof Error ? failure.name : typeof failure });
      }
      try {
        await options.onRefresh?.({ ...renewed });
      } catch (failure) {
        options.log('b24hooks: onRefresh threw', { memberId: renewed.memberId, error: failure instanceof Error ? failure.name : typeof failure });
      }
      return renewed;
    });
    checkEndpoint(fresh.clientEndpoint, 'the refreshed client_endpoint', options.allowInsecureHttp);
    current = remember(fresh);
  }

  return {
    kind: 'oauth',
    async prepare(method) {
      let using = await load(method);
      if (using.expiresAt !== undefined && using.expiresAt.getTime() - Date.now() < EXPIRY_SOON_MS && app !== undefined && using.refreshToken) {
        await refresh(using, method);
        using = current!;
      }
      const base = using.clientEndpoint.endsWith('/') ? using.clientEndpoint : `${using.clientEndpoint}/`;
      return { url: `${base}${method}.json`, auth: { auth: using.accessToken }, token: using.accessToken };
    },
    async renew(expiredToken, error) {
      const using = await load(error.method);
      if (expiredToken !== undefined && using.accessToken !== expiredToken) return; // refreshed meanwhile
      await refresh(using, error.method, error);
    },
    secrets: () => [...known, app?.clientSecret],
    view: () => ({
      auth: 'oauth',
      ...(current ? { portal: current.domain } : {}),
      ...(memberId ? { memberId } : {}),
      ...(app ? { clientId: app.clientId } : {}),
    }),
  };
}
