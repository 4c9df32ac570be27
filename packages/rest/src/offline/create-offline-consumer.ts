import type { B24Event } from '@b24hooks/core';
import type { RestClient } from '../client.js';
import { createConfirmations } from './confirm.js';
import { createLanes } from './lanes.js';
import { drainQueue, type DrainMode, type DrainSettings } from './drain.js';
import type { EventPortal } from './record.js';
import type { AttachOptions, DrainResult, OfflineConsumer, OfflineConsumerOptions, OfflineErrorContext } from './types.js';

const DEFAULT_LIMIT = 50;
const DEFAULT_WAIT_MS = 20_000;

function checkClient(client: RestClient, what: string): void {
  if (client === null || typeof client !== 'object' || typeof client.call !== 'function' || typeof client.portal !== 'function') {
    throw new TypeError(`${what} needs a client from createRestClient (an application's, for the portal whose queue it reads).`);
  }
}

async function portalOf(client: RestClient, known?: Partial<EventPortal>): Promise<EventPortal> {
  const portal = await client.portal();
  const memberId = portal.memberId ?? known?.memberId;
  if (!memberId) {
    throw new TypeError(
      'The offline queue belongs to an application: Bitrix24 answers event.offline.* only under application (OAuth) authorization, and events need the portal\'s member_id. Create the client from the application\'s credentials ({ auth: event, app, credentials } or { memberId, app, credentials }), not from a webhook URL.',
    );
  }
  return {
    domain: portal.domain,
    memberId,
    clientEndpoint: portal.clientEndpoint,
    serverEndpoint: portal.serverEndpoint ?? known?.serverEndpoint ?? '',
  };
}

/**
 * Drains Bitrix24's offline-events queue into a receiver's handlers (see DESIGN:
 * `createOfflineConsumer`): the same typed events online deliveries give, each record confirmed
 * with `event.offline.clear` once its handlers succeeded, or marked with `event.offline.error`.
 */
export function createOfflineConsumer(options: OfflineConsumerOptions): OfflineConsumer {
  if (options === null || typeof options !== 'object' || options.receiver === null || typeof options.receiver?.receive !== 'function') {
    throw new TypeError('createOfflineConsumer needs { receiver }: the receiver (createReceiver) whose handlers run the drained events.');
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`createOfflineConsumer: limit must be a positive integer (records per event.offline.get), got ${String(limit)}.`);
  if (options.authConnector !== undefined && (typeof options.authConnector !== 'string' || options.authConnector === '')) {
    throw new TypeError('createOfflineConsumer: authConnector must be the non-empty auth_connector the offline bindings were made with.');
  }
  const { receiver } = options;
  if (options.retryFailed !== undefined && typeof options.retryFailed !== 'boolean') throw new TypeError('createOfflineConsumer: retryFailed must be true or false.');
  const alwaysRetry = options.retryFailed === true;

  function report(error: Error, context: OfflineErrorContext): void {
    try {
      if (options.onError !== undefined) {
        void Promise.resolve(options.onError(error, context)).catch(() => undefined);
        return;
      }
      const message = `b24hooks: offline events: ${error.message}`;
      if (receiver.logger?.error) receiver.logger.error(message, { ...context });
      // Nothing else would ever hear a drain that failed after its signal was answered.
      else process.emitWarning(message, { code: 'B24HOOKS_OFFLINE_DRAIN' });
    } catch {
      // Reporting must never take a drain (or the process) down.
    }
  }

  const settings: DrainSettings = { receiver, limit, authConnector: options.authConnector, limits: receiver.limits, confirmations: createConfirmations(), report };
  const lanes = createLanes<DrainResult>();

  const active = new Set<Promise<unknown>>();

  /** Counts a drain as active from the first moment, before its pass is queued. */
  function track<T>(promise: Promise<T>): Promise<T> {
    active.add(promise);
    const done = () => void active.delete(promise);
    promise.then(done, done);
    return promise;
  }

  async function run(client: RestClient, mode: DrainMode, known?: Partial<EventPortal>): Promise<DrainResult> {
    checkClient(client, mode === 'failed' ? 'retryFailed(client)' : 'drain(client)');
    const portal = await portalOf(client, known);
    return lanes.run(portal.memberId, mode, async () => {
      if (mode === 'failed' || !alwaysRetry) return drainQueue(settings, client, portal, mode);
      // Old failures first, once each; what fails now is marked and waits for the next drain.
      const retried = await drainQueue(settings, client, portal, 'failed');
      const fresh = await drainQueue(settings, client, portal, 'pending');
      return { received: retried.received + fresh.received, handled: retried.handled + fresh.handled, failed: retried.failed + fresh.failed };
    });
  }

  const consumer: OfflineConsumer = {
    drain: (client) => track(run(client, 'pending')),
    retryFailed: (client) => track(run(client, 'failed')),
    attach(online, clientFor, attachOptions: AttachOptions = {}) {
      if (online === null || typeof online?.on !== 'function') throw new TypeError('attach(receiver, clientFor): receiver must be a receiver (createReceiver).');
      if (typeof clientFor !== 'function') throw new TypeError('attach(receiver, clientFor): clientFor must build a REST client from the ONOFFLINEEVENT (e.g. createRestFactory).');
      const waitMs = attachOptions.waitMs ?? DEFAULT_WAIT_MS;
      if (!(waitMs >= 0) || !Number.isFinite(waitMs)) throw new TypeError('attach: waitMs must be a number of milliseconds >= 0.');
      online.on('ONOFFLINEEVENT', async (event: B24Event<'ONOFFLINEEVENT'>) => {
        const drained = track(Promise.resolve().then(async () => run(await clientFor(event), 'pending', event.portal)));
        // Long drains go on after the delivery is answered: Bitrix24 waits for no one, the records wait on the portal.
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<'waiting'>((resolve) => {
          timer = setTimeout(() => resolve('waiting'), waitMs);
        });
        try {
          const outcome = await Promise.race([drained, waited]);
          if (outcome === 'waiting') {
            drained.catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error)), { domain: event.portal.domain, memberId: event.portal.memberId }));
          }
        } finally {
          clearTimeout(timer);
        }
      });
      return consumer;
    },
    async idle() {
      while (active.size > 0) await Promise.allSettled([...active]);
    },
  };
  return consumer;
}
