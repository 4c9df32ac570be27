// The service: one receiver for online deliveries and drained records alike, an offline consumer
// woken by ONOFFLINEEVENT, and a schedule that catches what no signal announced.
import express from 'express';
import { createReceiver } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import { createOfflineConsumer, createRestClient, createRestFactory, isOfflineEvent } from '@b24hooks/rest';

/**
 * @param {{
 *   tokenStore: import('@b24hooks/core').TokenStore,
 *   credentials: import('@b24hooks/rest').CredentialStore,
 *   app: { clientId: string, clientSecret: string },
 *   oauthServer?: string,
 *   syncDeal: (id: number, domain: string) => Promise<void>,
 *   log?: (line: string) => void,
 * }} options
 */
export function createService({ tokenStore, credentials, app: application, oauthServer, syncDeal, log = console.log }) {
  const receiver = createReceiver({ tokenStore });
  receiver.on('ONCRMDEALUPDATE', async (event) => {
    // The same handler, the same typed event, whether Bitrix24 posted it or the drain read it.
    const via = isOfflineEvent(event) ? `offline record #${event.offline.id}` : 'online delivery';
    await syncDeal(event.data.FIELDS.ID, event.portal.domain);
    log(`deal #${event.data.FIELDS.ID} synced (${via})`);
  });
  receiver.onError((error) => log(`handler failed: ${error.errors?.[0]?.message ?? error.message}`));

  const clientOptions = { app: application, credentials, ...(oauthServer ? { oauthServer } : {}) };
  const consumer = createOfflineConsumer({ receiver, onError: (error) => log(`drain failed: ${error.message}`) });
  consumer.attach(receiver, createRestFactory(clientOptions));

  /** One drain of each portal; a drain already running for a portal is joined, not doubled. */
  async function drainAll(memberIds) {
    const results = [];
    for (const memberId of memberIds) results.push(await consumer.drain(createRestClient({ memberId, ...clientOptions })));
    return results;
  }

  const web = express();
  web.post('/b24', b24hooks(receiver));
  return { web, receiver, consumer, drainAll };
}
