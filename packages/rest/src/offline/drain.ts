import type { FormLimits } from '@b24hooks/core';
import type { RestClient } from '../client.js';
import type { createConfirmations } from './confirm.js';
import { readBatch, recordInfo, recordToEvent, type EventPortal, type OfflineRecord } from './record.js';
import type { DrainResult, OfflineConsumerOptions, OfflineErrorContext } from './types.js';

export type DrainMode = 'pending' | 'failed';

export interface DrainSettings {
  receiver: OfflineConsumerOptions['receiver'];
  limit: number;
  authConnector?: string | undefined;
  limits?: FormLimits | undefined;
  confirmations: ReturnType<typeof createConfirmations>;
  report(error: Error, context: OfflineErrorContext): void;
}

function batchParams(settings: DrainSettings, mode: DrainMode, afterId: number): Record<string, unknown> {
  const params: Record<string, unknown> = { clear: 0, limit: settings.limit };
  if (settings.authConnector !== undefined) params.auth_connector = settings.authConnector;
  // Failed records are released when marked, so a retry walks them by ID to read each one once.
  if (mode === 'failed') Object.assign(params, { error: 1, filter: { '>ID': afterId }, order: { ID: 'ASC' } });
  return params;
}

/** Runs one record's handlers; true when they all succeeded. */
async function handleRecord(settings: DrainSettings, record: OfflineRecord, processId: string, portal: EventPortal): Promise<boolean> {
  let event;
  try {
    event = recordToEvent(record, portal, processId, settings.limits);
  } catch (error) {
    const info = recordInfo(record, processId);
    settings.report(error instanceof Error ? error : new Error(String(error)), {
      domain: portal.domain,
      memberId: portal.memberId,
      record: { id: info.id, messageId: info.messageId, eventName: record.EVENT_NAME },
    });
    return false;
  }
  try {
    await settings.receiver.receive(event);
    return true;
  } catch {
    // The receiver told its onError already (HANDLER_FAILED); the record is marked as an error.
    return false;
  }
}

/**
 * Batch after batch until `event.offline.get` answers none: reserve, handle in order, then mark
 * the failures (which releases them from the reservation) before clearing the rest, so a
 * `MESSAGE_ID` shared by a handled and a failed record can only keep a record, never lose one.
 * What earlier drains of the portal could not confirm is sent first.
 */
/** All-repeat batches in a row after which a pass stops: a portal that keeps confirmed records. */
const MAX_REPEATED_BATCHES = 3;

export async function drainQueue(settings: DrainSettings, client: RestClient, portal: EventPortal, mode: DrainMode): Promise<DrainResult> {
  const totals: DrainResult = { received: 0, handled: 0, failed: 0 };
  await settings.confirmations.flush(portal.memberId, client);
  // A record changed again during the drain comes back, usually with a new TIMESTAMP_X, and is
  // handled again. Batches of nothing but records this pass already confirmed, again and again,
  // mean the portal does not remove them: stop rather than loop forever.
  const seen = new Set<string>();
  let repeatedBatches = 0;
  let afterId = 0;
  for (;;) {
    const { processId, records } = readBatch(await client.call('event.offline.get', batchParams(settings, mode, afterId)));
    if (records.length === 0) return totals;
    const handled: string[] = [];
    const failed: string[] = [];
    let repeated = 0;
    for (const record of records) {
      const key = `${String(record.ID)}@${String(record.TIMESTAMP_X)}`;
      if (seen.has(key)) repeated++;
      seen.add(key);
      totals.received++;
      const ok = await handleRecord(settings, record, processId, portal);
      (ok ? handled : failed).push(String(record.MESSAGE_ID ?? ''));
      afterId = Math.max(afterId, Number(record.ID) || 0);
    }
    await settings.confirmations.confirm(portal.memberId, client, { processId, failed: [...failed], handled: [...handled] });
    totals.handled += handled.length;
    totals.failed += failed.length;
    repeatedBatches = repeated === records.length ? repeatedBatches + 1 : 0;
    if (repeatedBatches >= MAX_REPEATED_BATCHES) {
      throw new Error(
        `event.offline.get answered the records this drain had already confirmed, ${MAX_REPEATED_BATCHES} batches in a row; the portal does not remove cleared records, so the drain stopped instead of looping.`,
      );
    }
  }
}
