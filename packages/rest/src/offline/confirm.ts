import type { RestClient } from '../client.js';
import { isB24RestError } from '../errors.js';
import { sleep } from '../rate-limit.js';

/** What one batch still owes the portal: marks for its failed records, a clear for its handled ones. */
export interface Confirmation {
  processId: string;
  failed: string[];
  handled: string[];
}

const NETWORK_CODES = new Set(['NETWORK_ERROR', 'TIMEOUT']);
const ATTEMPTS = 3;
const FIRST_DELAY_MS = 250;

// Marking and clearing under one process_id can be repeated safely, so unlike other writes they
// are retried after a network failure (the client retries limits itself).
async function idempotent(call: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await call();
      return;
    } catch (error) {
      if (attempt >= ATTEMPTS || !isB24RestError(error) || !NETWORK_CODES.has(error.code)) throw error;
      await sleep(FIRST_DELAY_MS * 2 ** (attempt - 1));
    }
  }
}

/**
 * Sends each batch's marks, then its clear. One that cannot be sent is kept per portal and sent
 * first by the next drain of that portal, so records whose handlers ran are not run again just
 * because a confirmation was cut (they stay hidden under their reservation meanwhile).
 */
export function createConfirmations() {
  const owed = new Map<string, Confirmation[]>();

  async function send(client: RestClient, confirmation: Confirmation): Promise<void> {
    const { processId } = confirmation;
    if (confirmation.failed.length > 0) {
      await idempotent(() => client.call('event.offline.error', { process_id: processId, message_id: confirmation.failed }));
      confirmation.failed = [];
    }
    if (confirmation.handled.length > 0) {
      await idempotent(() => client.call('event.offline.clear', { process_id: processId, message_id: confirmation.handled }));
      confirmation.handled = [];
    }
  }

  return {
    async confirm(memberId: string, client: RestClient, confirmation: Confirmation): Promise<void> {
      try {
        await send(client, confirmation);
      } catch (error) {
        owed.set(memberId, [...(owed.get(memberId) ?? []), confirmation]);
        throw error;
      }
    },
    /** Sends what earlier drains of this portal still owe; rejects (keeping the rest) if one fails. */
    async flush(memberId: string, client: RestClient): Promise<void> {
      const list = owed.get(memberId);
      while (list !== undefined && list.length > 0) {
        await send(client, list[0]!);
        list.shift();
      }
      owed.delete(memberId);
    },
  };
}
