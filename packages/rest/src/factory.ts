import { createRestClient, type RestClient, type RestClientOptions } from './client.js';
import type { CredentialStore } from './credentials.js';
import type { AppCredentials } from './refresh.js';
import type { EventSource } from './target.js';

export interface RestFactoryOptions extends Omit<RestClientOptions, 'webhook' | 'auth' | 'memberId' | 'app' | 'credentials'> {
  app: AppCredentials;
  credentials?: CredentialStore;
}

/** Builds the client a handler calls its portal back with, from an event or robot call. */
export type RestFactory = (source: EventSource) => RestClient;

/**
 * For `createReceiver({ rest })`: a client per event (or robot call) from its own auth; when it
 * carries no tokens (outgoing webhooks, automation-caused calls), from `credentials` by its
 * `member_id`. Clients of one portal share its rate-limit bucket and its refreshes.
 */
export function createRestFactory(options: RestFactoryOptions): RestFactory {
  if (options === null || typeof options !== 'object' || options.app === undefined) {
    throw new TypeError('createRestFactory needs { app: { clientId, clientSecret }, credentials? }.');
  }
  const { app, credentials, ...clientOptions } = options;
  return (source) => {
    if (source === null || typeof source !== 'object' || source.portal === undefined) {
      throw new TypeError('The REST factory needs an event or robot call (with its portal).');
    }
    const hasToken = typeof source.auth?.accessToken === 'string' && source.auth.accessToken !== '';
    if (!hasToken && credentials === undefined) {
      throw new TypeError(
        'This call carries no OAuth tokens (outgoing webhooks and automation-caused calls do not), so there is nothing to call the portal with; give createRestFactory a credentials store that holds its tokens.',
      );
    }
    return createRestClient({
      ...clientOptions,
      app,
      ...(credentials !== undefined ? { credentials } : {}),
      ...(hasToken ? { auth: source } : { memberId: source.portal.memberId }),
    });
  };
}
