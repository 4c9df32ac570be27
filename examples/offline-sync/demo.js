// Runs the service against a portal on localhost (@b24hooks/testing's fake portal): changes wait
// in the portal's offline queue, ONOFFLINEEVENT wakes the service, a failing record is marked as
// an error on the portal, and a retry brings it back once the cause is fixed.
import { createMemoryTokenStore } from '@b24hooks/core';
import { createMemoryCredentialStore, createRestClient } from '@b24hooks/rest';
import { createFakePortal } from '@b24hooks/testing';
import { createService } from './service.js';

const portal = await createFakePortal();
const tokenStore = createMemoryTokenStore();
const credentials = createMemoryCredentialStore();
// What ONAPPINSTALL would have stored.
await tokenStore.set(portal.memberId, portal.applicationToken);
const tokens = portal.tokens;
await credentials.set(portal.memberId, {
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  expiresAt: new Date(tokens.expires * 1000),
  domain: portal.domain,
  clientEndpoint: portal.clientEndpoint,
  serverEndpoint: portal.serverEndpoint,
  memberId: portal.memberId,
});

let crmIsLocked = true;
const service = createService({
  tokenStore,
  credentials,
  app: portal.app,
  oauthServer: portal.oauthServer,
  async syncDeal(id) {
    if (id === 13 && crmIsLocked) throw new Error(`deal #${id} is locked in the ERP`);
  },
});
const server = await new Promise((resolve) => {
  const started = service.web.listen(0, '127.0.0.1', () => resolve(started));
});
const url = `http://127.0.0.1:${server.address().port}/b24`;

try {
  for (const id of [11, 12, 13, 14]) portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: id } });
  console.log(`${portal.offline.pending} changes wait in the portal's offline queue`);

  const answer = await portal.postEvent(url, 'ONOFFLINEEVENT', { data: { type: 'add', event: 'ONCRMDEALUPDATE' } });
  console.log(`ONOFFLINEEVENT answered ${answer.status}`);

  const marked = await createRestClient({ memberId: portal.memberId, app: portal.app, credentials }).call('event.offline.list', { filter: { ERROR: 1 } });
  console.log(`marked as errors on the portal: ${marked.map((row) => `#${row.ID} (${row.EVENT_NAME})`).join(', ')}`);

  portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 15 } });
  const [scheduled] = await service.drainAll([portal.memberId]);
  console.log(`scheduled drain: ${JSON.stringify(scheduled)}`);

  crmIsLocked = false;
  const retried = await service.consumer.retryFailed(createRestClient({ memberId: portal.memberId, app: portal.app, credentials }));
  console.log(`retry of failed records: ${JSON.stringify(retried)}`);

  await service.consumer.idle();
  if (portal.offline.records().length !== 0) throw new Error('records were left on the portal');
  console.log('The offline queue is empty: every change was handled.');
} finally {
  await new Promise((resolve) => server.close(resolve));
  await portal.close();
}
