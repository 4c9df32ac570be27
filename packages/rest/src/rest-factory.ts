import type { B24RestFactory } from '@b24hooks/core';
import { createRestClient, type RestClient, type RestClientOptions } from './client.js';
import type { CredentialStore } from './credentials.js';
import type { AppCredentials } from './refresh.js';

export interface RestFactoryOptions extends Omit<RestClientOptions, 'webhook' | 'auth' | 'memberId' | 'app' | 'credentials'> {
  /** The application's client_id and client_secret, to refresh an expired token. */
  app: AppCredentials;
  /** The portals' stored tokens: used when a delivery carries none, and told refreshed ones. */
  credentials?: CredentialStore;
}

type Source = Parameters<B24RestFactory>[0];

/**
 * `createReceiver({ rest: createRestFactory({ app }) })`: a client for the portal that sent a
 * robot call (or an event), built from the delivery's own OAuth tokens (a robot call carries those
 * of its `AUTH_USER_ID`), or from `credentials` when the delivery has none.
 */
export function createRestFactory(options: RestFactoryOptions): (source: Source) => RestClient {
  if (options === null || typeof options !== 'object' || options.app === null || typeof options.app !== 'object') {
    throw new TypeError('createRestFactory needs { app: { clientId, clientSecret } } (and credentials, for deliveries without tokens).');
  }
  const { app, credentials, ...clientOptions } = options;
  return (source) => {
    const memberId = source.portal.memberId;
    if (source.auth?.accessToken) {
      return createRestClient({ ...clientOptions, auth: source, app, ...(credentials ? { credentials } : {}) });
    }
    if (credentials === undefined) {
      throw new TypeError(
        'This delivery carries no access token (outgoing webhooks and automation-caused events have none), so no client can be built from it: pass createRestFactory({ app, credentials }) with the portal\'s stored tokens.',
      );
    }
    return createRestClient({ ...clientOptions, memberId, app, credentials });
  };
}
