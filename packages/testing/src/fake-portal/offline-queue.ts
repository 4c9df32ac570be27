import { offlineMethods } from './offline-methods.js';
import { listRow, type FakeOfflineRecord, type StoredRecord } from './offline-record.js';
import type { FakePortal } from './types.js';

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

/** The records, and what tests do with them. */
export interface OfflineStore {
  records: StoredRecord[];
  remove(predicate: (record: StoredRecord) => boolean): void;
}

/**
 * The portal's offline-events queue, with the documented reservation semantics (see
 * `offline-methods.ts`): records are kept one per changed object, in insertion order.
 */
export function createOfflineQueue(): { queue: FakeOfflineQueue; store: OfflineStore } {
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
  return { queue, store: { records: store, remove } };
}

/** Sets the offline methods on a portal and returns its queue. */
export function installOfflineQueue(portal: FakePortal): FakeOfflineQueue {
  const { queue, store } = createOfflineQueue();
  for (const [name, handler] of Object.entries(offlineMethods(store))) portal.method(name, handler);
  return queue;
}
