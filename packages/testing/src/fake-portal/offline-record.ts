/** A queue record as `event.offline.list` shows it (IDs and flags as strings, as Bitrix24 sends them). */
export interface FakeOfflineRecord {
  ID: string;
  TIMESTAMP_X: string;
  EVENT_NAME: string;
  EVENT_DATA: unknown;
  EVENT_ADDITIONAL: unknown;
  MESSAGE_ID: string;
  PROCESS_ID: string;
  ERROR: string;
}

/** A record as the portal keeps it. */
export interface StoredRecord {
  id: number;
  timestamp: Date;
  eventName: string;
  data: unknown;
  additional: unknown;
  messageId: string;
  processId: string;
  error: boolean;
  connector: string;
}

// Cloud portals answer in their own time zone; an offset other than UTC keeps parsers honest.
const PORTAL_OFFSET_MINUTES = 180;

/** ISO 8601 with the portal's offset, as Bitrix24 writes `TIMESTAMP_X`. */
function portalTime(date: Date): string {
  const shifted = new Date(date.getTime() + PORTAL_OFFSET_MINUTES * 60_000);
  const sign = PORTAL_OFFSET_MINUTES < 0 ? '-' : '+';
  const abs = Math.abs(PORTAL_OFFSET_MINUTES);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${shifted.toISOString().slice(0, 19)}${offset}`;
}

export function listRow(record: StoredRecord): FakeOfflineRecord {
  return {
    ID: String(record.id),
    TIMESTAMP_X: portalTime(record.timestamp),
    EVENT_NAME: record.eventName,
    // PHP's json_encode of an empty value the queue stores as false.
    EVENT_DATA: record.data ?? false,
    EVENT_ADDITIONAL: record.additional ?? false,
    MESSAGE_ID: record.messageId,
    PROCESS_ID: record.processId,
    ERROR: record.error ? '1' : '0',
  };
}

/** Rows the list/filter helpers compare: timestamps as sortable UTC text, flags as `0`/`1`. */
export function filterRow(record: StoredRecord): Record<string, unknown> {
  return { ...listRow(record), TIMESTAMP_X: record.timestamp.toISOString() };
}
