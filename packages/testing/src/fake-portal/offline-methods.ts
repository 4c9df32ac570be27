import type { FormObject, FormValue } from '@b24hooks/core';
import { fakeAnswer } from './answer.js';
import { FakePortalError } from './errors.js';
import { matchesFilter, ordered } from './list-method.js';
import type { OfflineStore } from './offline-queue.js';
import { filterRow, listRow } from './offline-record.js';
import { randomHex } from './tokens.js';
import type { MethodContext, MethodHandler } from './types.js';

const DEFAULT_LIMIT = 50;
const LIST_PAGE = 50;

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
 * `event.offline.get/clear/error/list` over a store. `get` with `clear: 0` hides the records it
 * returns under a new `process_id` until `event.offline.clear` deletes them, so parallel readers
 * get disjoint records; `event.offline.error` marks records as failed (and releases them), after
 * which only a read with `error: 1` returns them; `event.offline.list` changes nothing.
 */
export function offlineMethods({ records: store, remove }: OfflineStore): Record<string, MethodHandler> {
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

  return { 'event.offline.get': get, 'event.offline.clear': clear, 'event.offline.error': error, 'event.offline.list': list };
}

