import { createRestClient } from './client.js';
import { credentialsFromEvent, type CredentialStore } from './credentials.js';
import { isLoopbackHost } from './endpoint.js';
import { B24RestError } from './errors.js';
import { DEFAULT_OAUTH_SERVER, refreshTokens, type AppCredentials } from './refresh.js';

export interface VerifyInstallOptions {
  /** This application's client_id; `app.info` must name it. */
  clientId: string;
  /**
   * Portals accepted besides Bitrix24's cloud (`<name>.bitrix24.<zone>`): a host, a `host:port`,
   * or a RegExp tested against `auth[domain]` (self-hosted Bitrix24, a fake portal in tests).
   */
  domains?: ReadonlyArray<string | RegExp>;
  /**
   * Where the application keeps portals' tokens. When given, an install whose `member_id` is
   * stored for another domain is refused, and an accepted one's tokens are stored.
   */
  credentials?: CredentialStore;
  /**
   * The application's client_id and client_secret. When given (and the install carries a refresh
   * token), the install's refresh token is traded at `oauthServer`, whose answer names the
   * portal's `member_id` and domain: a delivery that pairs a `member_id` with another portal's
   * domain is refused. The new tokens go to `credentials`.
   */
  app?: AppCredentials;
  /** The OAuth server for that check; default `https://oauth.bitrix.info/oauth/token/`. */
  oauthServer?: string;
  /** Per `app.info` call; default 10,000 ms. */
  timeoutMs?: number;
  allowInsecureHttp?: boolean;
  fetch?: typeof fetch;
}

type InstallEvent = {
  name: string;
  portal: { domain: string; memberId: string; clientEndpoint: string; serverEndpoint: string };
  auth?: { accessToken: string; refreshToken?: string; expiresAt?: Date } | undefined;
};

const CLOUD_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.bitrix24\.(?:[a-z]{2,3}|com\.[a-z]{2}|co\.[a-z]{2})$/;
const INSTALL_EVENTS = new Set(['ONAPPINSTALL', 'ONAPPUPDATE']);

/** Answers Bitrix24 gives a token that is not (or no longer) good for this portal. */
const DENIALS = new Set(['invalid_token', 'expired_token', 'NO_AUTH_FOUND', 'INVALID_CREDENTIALS', 'ACCESS_DENIED', 'WRONG_AUTH_TYPE', 'insufficient_scope', 'authorization_error', 'PORTAL_DELETED', 'APPLICATION_NOT_FOUND', 'ERROR_METHOD_NOT_FOUND']);

function allowedDomain(domain: string, extra: ReadonlyArray<string | RegExp>): boolean {
  const host = domain.toLowerCase();
  if (CLOUD_DOMAIN.test(host)) return true;
  return extra.some((entry) => (typeof entry === 'string' ? entry.toLowerCase() === host : entry.test(domain)));
}

/** The delivered client_endpoint, when it is `http(s)://<domain>/rest/` for the delivered domain itself. */
function endpointOnDomain(endpoint: string, domain: string, allowInsecureHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.host.toLowerCase() !== domain.toLowerCase() || url.username !== '' || url.password !== '' || !url.pathname.startsWith('/rest/')) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname)));
}

/**
 * An `install` policy for core's receiver: accepts an `ONAPPINSTALL`/`ONAPPUPDATE` only when it
 * comes from a Bitrix24 portal (cloud, or `domains`), its `client_endpoint` is on that same host,
 * and that portal says, through `app.info` called with the delivered `access_token`, that the token
 * belongs to this application. A genuine reinstall with a new token passes like a first install.
 * Portal refusals answer false; a network failure or timeout rejects (the receiver fails closed).
 */
export function verifyInstall(options: VerifyInstallOptions): (event: InstallEvent) => Promise<boolean> {
  if (options === null || typeof options !== 'object' || typeof options.clientId !== 'string' || options.clientId === '') {
    throw new TypeError("verifyInstall needs { clientId }: the application's client_id.");
  }
  const { clientId, credentials, app } = options;
  if (app !== undefined && app.clientId !== clientId) throw new TypeError('verifyInstall: app.clientId differs from clientId.');
  const domains = options.domains ?? [];
  const allowInsecureHttp = options.allowInsecureHttp === true;
  return async (event) => {
    if (!INSTALL_EVENTS.has(String(event?.name).toUpperCase())) return false;
    const source = credentialsFromEvent(event);
    if (source === undefined) return false;
    const { domain, memberId } = event.portal;
    if (!domain || !memberId || !allowedDomain(domain, domains)) return false;
    if (!endpointOnDomain(source.clientEndpoint, domain, allowInsecureHttp)) return false;
    if (credentials !== undefined) {
      const stored = await credentials.get(memberId);
      if (stored !== undefined && stored.domain.toLowerCase() !== domain.toLowerCase()) return false;
    }
    // Without the refresh token: a dead token must fail here, not be renewed.
    const { refreshToken: _unused, ...probe } = source;
    const client = createRestClient({
      auth: probe,
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: 1,
      allowInsecureHttp,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    let info: unknown;
    try {
      info = await client.call('app.info');
    } catch (error) {
      if (error instanceof B24RestError && (DENIALS.has(error.code) || (error.status >= 400 && error.status < 500))) return false;
      throw error;
    }
    const record = (info ?? {}) as Record<string, unknown>;
    const named = record.CLIENT_ID ?? record.client_id ?? record.CODE;
    if (named !== clientId) return false;
    let accepted = source;
    if (app !== undefined && source.refreshToken) {
      try {
        accepted = await refreshTokens({ app, oauthServer: options.oauthServer ?? DEFAULT_OAUTH_SERVER, current: source, fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? 10_000, allowInsecureHttp, method: 'app.info' });
      } catch (error) {
        if (error instanceof B24RestError && error.code !== 'NETWORK_ERROR' && error.code !== 'TIMEOUT') return false;
        throw error;
      }
      // refreshTokens refuses another member_id; the domain must match as well.
      if (accepted.domain.toLowerCase() !== domain.toLowerCase()) return false;
    }
    await credentials?.set(memberId, accepted);
    return true;
  };
}
