import { normalizeForm, toEvent, type B24Event, type FormLimits, type FormObject } from '@b24hooks/core';
import { B24RestError } from '../errors.js';
import type { B24OfflineEvent, B24OfflineInfo } from './types.js';

/** One record of an `event.offline.get` answer, as Bitrix24 sends it. */
export interface OfflineRecord {
  ID: string | number;
  TIMESTAMP_X?: string;
  EVENT_NAME: string;
  EVENT_DATA?: unknown;
  EVENT_ADDITIONAL?: unknown;
  MESSAGE_ID: string | number;
}

export interface OfflineBatch {
  processId: string;
  records: OfflineRecord[];
}

/** The portal events are built for: the client's, with a known `member_id`. */
export interface EventPortal {
  domain: string;
  memberId: string;
  clientEndpoint: string;
  serverEndpoint: string;
}

const badAnswer = (message: string) => new B24RestError('BAD_RESPONSE', `event.offline.get: ${message}`, { method: 'event.offline.get' });

/** Reads `{ process_id, events }`; an answer of any other shape is refused rather than guessed at. */
export function readBatch(answer: unknown): OfflineBatch {
  const body = answer as { process_id?: unknown; events?: unknown } | null;
  // PHP's json_encode writes an empty list as [] and a list of records as an array.
  const events = body?.events;
  if (body === null || typeof body !== 'object' || !(Array.isArray(events) || (events !== null && typeof events === 'object'))) {
    throw badAnswer('the answer has no events list; is this a Bitrix24 portal?');
  }
  const records = (Array.isArray(events) ? events : Object.values(events as object)) as OfflineRecord[];
  for (const record of records) {
    if (record === null || typeof record !== 'object' || typeof record.EVENT_NAME !== 'string' || record.ID === undefined) {
      throw badAnswer('a record has no ID or EVENT_NAME; is this a Bitrix24 portal?');
    }
  }
  const processId = typeof body.process_id === 'string' ? body.process_id : '';
  if (processId === '' && records.length > 0) {
    // Without a process_id the portal deleted the batch as it answered (clear: 1): nothing could be confirmed.
    throw badAnswer('records came without a process_id, so they were not reserved (the portal ignored clear: 0) and cannot be confirmed.');
  }
  return { processId, records };
}

export function recordInfo(record: OfflineRecord, processId: string): B24OfflineInfo {
  return { id: Number(record.ID), messageId: String(record.MESSAGE_ID ?? ''), processId };
}

function unixSeconds(text: string | undefined): number {
  const parsed = text === undefined ? Number.NaN : Date.parse(text);
  // A queue record is never dropped for its timestamp: an unreadable one is "now".
  return Math.floor((Number.isFinite(parsed) ? parsed : Date.now()) / 1000);
}

/**
 * The record as the delivery Bitrix24 would have POSTed for it (without tokens), through core's
 * `toEvent`: the same registry coercion, so `data.FIELDS.ID` is a number and `data.BOT[5]` a map
 * entry, exactly as online. `raw` is that form, so a worker's `toEvent(raw)` rebuilds the event.
 */
export function recordToEvent(record: OfflineRecord, portal: EventPortal, processId: string, limits?: FormLimits): B24OfflineEvent {
  const form: FormObject = {
    event: record.EVENT_NAME.toUpperCase(),
    ts: String(unixSeconds(record.TIMESTAMP_X)),
    auth: { domain: portal.domain, client_endpoint: portal.clientEndpoint, server_endpoint: portal.serverEndpoint, member_id: portal.memberId },
  };
  // EVENT_DATA is false (or absent) for an event without data, as ONOFFLINEEVENT has none online.
  if (record.EVENT_DATA !== false && record.EVENT_DATA !== undefined && record.EVENT_DATA !== null) {
    const data = normalizeForm({ data: record.EVENT_DATA }, limits).data;
    if (data !== undefined) form.data = data;
  }
  const event = toEvent(form) as B24Event;
  Object.defineProperty(event, 'offline', { value: Object.freeze(recordInfo(record, processId)), enumerable: true });
  return event as B24OfflineEvent;
}
