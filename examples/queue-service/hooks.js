// One receiver definition for both processes: the receiving one adds `handoff`, the worker runs
// these same handlers for every job.
import { createReceiver } from '@b24hooks/core';

export function createHooks({ handoff } = {}) {
  const token = process.env.B24_APP_TOKEN;
  if (!token) throw new Error('Set B24_APP_TOKEN to the application token of your Bitrix24 outgoing webhook or app.');
  const receiver = createReceiver({ token: token.split(','), logger: console, ...(handoff ? { handoff } : {}) });

  receiver.on('ONCRMDEALUPDATE', async (event) => {
    // Ids only: read the deal back through the REST API here; a repeat must be harmless.
    console.log(`worker: deal ${event.data.FIELDS.ID} changed on ${event.portal.domain}`);
  });
  receiver.onError((error, event) => {
    console.error(`gave up on ${event?.name ?? 'a delivery'}: ${error.message}`);
  });
  return receiver;
}
