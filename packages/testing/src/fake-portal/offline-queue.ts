import type { FormObject, FormValue } from '@b24hooks/core';
import { fakeAnswer } from './answer.js';
import { FakePortalError } from './errors.js';
import { matchesFilter, ordered } from './list-method.js';
import { randomHex } from './tokens.js';
import type { FakePortal, MethodContext, MethodHandler } from './types.js';

/** What a test seeds: one change Bitrix24 logged for an `event_type=offline` binding. */
export interface FakeOfflineEventInput {
  /** Default: the next number, as a string (Bitrix24's own are opaque strings). */
  messageId?: string;
  /** When the change happened; default now. */
  timestamp?: Date;
  /** `EVENT_ADDITIONAL` (e.g. `{ user_id: 1 }`); default none. */
  additional?: Record<string, unknown>;
  /** The `auth_connector` of the binding whose queue holds it; default none. */
  connector?: string;
}

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

export interface FakeOfflineQueue {
  /**
   * Logs a change. A record of the same event and `messageId` (in the same connector's queue) is
   * updated instead, as Bitrix24 keeps one record per changed object; the update releases a
   * reservation and an error mark, so the new state is read again.
   */
  add(eventName: string, data?: unknown, input?: FakeOfflineEventInput): FakeOfflineRecord;
  /** Every record, reserved and error-marked ones included, by ID. */
  records(): FakeOfflineRecord[];
  /** Records neither reserved nor marked as errors: what the next `event.offline.get` can read. */
  readonly pending: number;
  /** Removes every record. */
  clear(): void;
}

interface StoredRecord {
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

const DEFAULT_LIMIT = 50;
const LIST_PAGE = 50;
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

function listRow(record: StoredRecord): FakeOfflineRecord {
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
function filterRow(record: StoredRecord): Record<string, unknown> {
  return { ...listRow(record), TIMESTAMP_X: record.timestamp.toISOString() };
}

function flag(value: FormValue | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return typeof value === 'string' && value !== '0' && value.toLowerCase() !== 'n' && value.toLowerCase() !== 'false';
}

function textParam(value: FormValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

function listParam(value: FormValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Object.values(value).filter((item): item is string => typeof item === 'string');
}

function requireProcessId(params: FormObject, method: string): string {
  const processId = textParam(params.process_id);
  if (processId === '') throw new FakePortalError('ERROR_ARGUMENT', `${method}: process_id is required (the one event.offline.get answered)`, 400);
  return processId;
}

// Bitrix24 keeps the offline queue for application authorization only.
function requireApplication(context: MethodContext): void {
  if (context.auth.kind !== 'oauth') throw new FakePortalError('WRONG_AUTH_TYPE', 'Application context required', 401);
}

/**
 * The portal's offline-events queue and its methods, with the documented reservation semantics:
 * `event.offline.get` with `clear: 0` hides the records it returns under a new `process_id`
 * until `event.offline.clear` deletes them, so parallel readers get disjoint records;
 * `event.offline.error` marks records as failed (and releases them), after which only a read with
 * `error: 1` returns them; `event.offline.list` reads everything without changing anything.
 */
export function createOfflineQueue(): { queue: FakeOfflineQueue; methods: Record<string, MethodHandler> } {
  const store: StoredRecord[] = [];
  let nextId = 1;

  const queue: FakeOfflineQueue = {
    add(eventName, data, input = {}) {
      if (typeof eventName !== 'string' || eventName === '') throw new TypeError('portal.offline.add(eventName, data?): eventName must be a non-empty string.');
      const name = eventName.toUpperCase();
      const connector = input.connector ?? '';
      const messageId = input.messageId ?? String(nextId);
      const timestamp = input.timestamp ?? new Date();
      const same = store.find((record) => record.eventName === name && record.messageId === messageId && record.connector === connector);
      if (same !== undefined) {
        Object.assign(same, { data, additional: input.additional, timestamp, processId: '', error: false });
        return listRow(same);
      }
      const record: StoredRecord = { id: nextId++, timestamp, eventName: name, data, additional: input.additional, messageId, processId: '', error: false, connector };
      store.push(record);
      return listRow(record);
    },
    records: () => store.map(listRow),
    get pending() {
      return store.filter((record) => record.processId === '' && !record.error).length;
    },
    clear() {
      store.length = 0;
    },
  };

  function remove(predicate: (record: StoredRecord) => boolean): void {
    for (let index = store.length - 1; index >= 0; index--) if (predicate(store[index]!)) store.splice(index, 1);
  }

  const get: MethodHandler = (params, context) => {
    requireApplication(context);
    const clear = flag(params.clear, true);
    const wantErrors = flag(params.error, false);
    const connector = textParam(params.auth_connector);
    const limit = params.limit === undefined ? DEFAULT_LIMIT : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new FakePortalError('ERROR_ARGUMENT', 'limit must be a positive integer', 400);
    const candidates = store.filter((record) => record.processId === '' && record.error === wantErrors && record.connector === connector);
    const rows = new Map(candidates.map((record) => [filterRow(record), record] as const));
    const matching = [...rows.keys()].filter((row) => matchesFilter(row, params.filter));
    const order = params.order ?? { TIMESTAMP_X: 'ASC' };
    const picked = ordered(matching, order).slice(0, limit).map((row) => rows.get(row)!);
    const events = picked.map((record) => {
      const { PROCESS_ID: _process, ERROR: _error, ...row } = listRow(record);
      return row;
    });
    if (clear) {
      const taken = new Set(picked);
      remove((record) => taken.has(record));
      return { process_id: null, events };
    }
    // Given a process_id, the caller takes more records into the reservation it already holds.
    const processId = textParam(params.process_id) || randomHex(16);
    for (const record of picked) record.processId = processId;
    return { process_id: processId, events };
  };

  const clear: MethodHandler = (params, context) => {
    requireApplication(context);
    const processId = requireProcessId(params, 'event.offline.clear');
    const ids = listParam(params.id);
    const messageIds = listParam(params.message_id);
    remove((record) => {
      if (record.processId !== processId) return false;
      if (ids !== undefined) return ids.includes(String(record.id));
      if (messageIds !== undefined) return messageIds.includes(record.messageId);
      return true;
    });
    return true;
  };

  const error: MethodHandler = (params, context) => {
    requireApplication(context);
    const processId = requireProcessId(params, 'event.offline.error');
    const messageIds = listParam(params.message_id) ?? [];
    for (const record of store) {
      if (record.processId !== processId || !messageIds.includes(record.messageId)) continue;
      record.error = true;
      record.processId = '';
    }
    return true;
  };

  const list: MethodHandler = (params, context) => {
    requireApplication(context);
    const rows = new Map(store.map((record) => [filterRow(record), record] as const));
    const matching = ordered([...rows.keys()].filter((row) => matchesFilter(row, params.filter)), params.order ?? { ID: 'ASC' });
    const start = Math.max(0, Number(params.start ?? 0) || 0);
    const page = matching.slice(start, start + LIST_PAGE).map((row) => listRow(rows.get(row)!));
    const next = start + LIST_PAGE < matching.length ? start + LIST_PAGE : undefined;
    return fakeAnswer({ result: page, total: matching.length, ...(next !== undefined ? { next } : {}) });
  };

  return { queue, methods: { 'event.offline.get': get, 'event.offline.clear': clear, 'event.offline.error': error, 'event.offline.list': list } };
}

/** Sets the offline methods on a portal and returns its queue. */
export function installOfflineQueue(portal: FakePortal): FakeOfflineQueue {
  const { queue, methods } = createOfflineQueue();
  for (const [name, handler] of Object.entries(methods)) portal.method(name, handler);
  return queue;
}
