import { describeAs } from './secrets.js';

/** What a client needs to call a portal as an application. */
export interface B24Credentials {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  domain: string;
  clientEndpoint: string;
  serverEndpoint: string;
  memberId: string;
}

/**
 * Where an application keeps each portal's OAuth tokens, keyed by `member_id`. The client reads
 * it when it is created from a `memberId`, and writes refreshed tokens back. `@b24hooks/redis`
 * has one on Redis; `createMemoryCredentialStore()` is the in-process one.
 */
export interface CredentialStore {
  get(memberId: string): Promise<B24Credentials | undefined>;
  set(memberId: string, credentials: B24Credentials): Promise<void>;
  delete(memberId: string): Promise<void>;
}

function copy(credentials: B24Credentials): B24Credentials {
  return { ...credentials, ...(credentials.expiresAt ? { expiresAt: new Date(credentials.expiresAt) } : {}) };
}

/** Credentials in a `Map` of this process: for tests, and for one-process apps that reinstall on restart. */
export function createMemoryCredentialStore(initial?: Iterable<readonly [string, B24Credentials]>): CredentialStore {
  const entries = new Map<string, B24Credentials>();
  for (const [memberId, credentials] of initial ?? []) entries.set(memberId, copy(credentials));
  const store: CredentialStore = {
    async get(memberId) {
      const found = entries.get(memberId);
      return found === undefined ? undefined : copy(found);
    },
    async set(memberId, credentials) {
      if (typeof memberId !== 'string' || memberId === '') throw new TypeError('CredentialStore.set needs the portal\'s member_id.');
      entries.set(memberId, copy(credentials));
    },
    async delete(memberId) {
      entries.delete(memberId);
    },
  };
  return describeAs(store, () => ({ kind: 'memory credential store', portals: entries.size }));
}

/** The portal and tokens of a delivered event (or robot call), ready for a `CredentialStore`. */
export function credentialsFromEvent(event: {
  portal: { domain: string; memberId: string; clientEndpoint: string; serverEndpoint: string };
  auth?: { accessToken: string; refreshToken?: string; expiresAt?: Date } | undefined;
}): B24Credentials | undefined {
  const auth = event.auth;
  if (auth === undefined || typeof auth.accessToken !== 'string' || auth.accessToken === '') return undefined;
  const { domain, memberId, clientEndpoint, serverEndpoint } = event.portal;
  return {
    accessToken: auth.accessToken,
    ...(auth.refreshToken ? { refreshToken: auth.refreshToken } : {}),
    ...(auth.expiresAt ? { expiresAt: auth.expiresAt } : {}),
    domain,
    clientEndpoint,
    serverEndpoint,
    memberId,
  };
}
