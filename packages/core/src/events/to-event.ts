import { B24HookError } from '../errors.js';
import type { FormObject, FormValue } from '../form/types.js';
import { conceal, redact } from './redact.js';
import { findEventSpec } from './registry.js';
import { INTEGER_TEXT, type ShapeProblems } from './shape.js';
import { typedData } from './typed-data.js';
import type { B24Auth, B24Event, B24Portal } from './types.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function invalid(message: string): B24HookError {
  return new B24HookError('INVALID_EVENT', message);
}

/**
 * The event object. Its secrets stay in `raw` and `auth` for code that asks by name, while
 * `JSON.stringify` and `util.inspect` (and so every logger) see a redacted copy.
 */
class B24EventRecord {
  declare readonly name: string;
  declare readonly handlerId?: number;
  declare readonly timestamp: Date;
  declare readonly portal: B24Portal;
  declare readonly auth?: B24Auth;
  declare readonly data: unknown;
  declare readonly problems?: string[];
  declare readonly raw: FormObject;

  toJSON(): object {
    return shown(this);
  }

  [INSPECT](depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `B24Event ${inspect(shown(this), options)}`;
  }
}

/** `auth` and `raw` are not enumerable (a spread copy leaves them out), but the event shows them redacted. */
function shown(event: B24EventRecord): object {
  const { auth, raw } = event;
  return redact({ ...event, ...(auth === undefined ? {} : { auth }), raw });
}

export interface ToEventOptions {
  /**
   * `'lenient'` (default): a field that does not match the registry's shape stays as sent (or
   * absent) and is listed in `event.problems`. `'strict'`: refused with `INVALID_EVENT`.
   */
  shapes?: 'lenient' | 'strict';
}

function text(form: FormObject, key: string): string | undefined {
  const value = form[key];
  return typeof value === 'string' ? value : undefined;
}

export function integer(form: FormObject, key: string, where: string, problems?: ShapeProblems): number | undefined {
  const value = form[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !INTEGER_TEXT.test(value)) {
    const path = where === '' ? key : `${where}[${key}]`;
    if (problems === undefined) throw invalid(`${path} should be an integer.`);
    problems.push(`${path} should be an integer`);
    return undefined;
  }
  return Number(value);
}

export function readAuthBlock(form: FormObject): FormObject {
  const auth = form.auth;
  if (auth === undefined || typeof auth === 'string' || Array.isArray(auth)) {
    throw invalid(
      'The body has no auth block (auth[member_id], auth[application_token], ...). Bitrix24 sends one with every event; check that the request really comes from Bitrix24.',
    );
  }
  return auth;
}

export function toPortal(auth: FormObject): B24Portal {
  const domain = text(auth, 'domain');
  const memberId = text(auth, 'member_id');
  if (!domain || !memberId) throw invalid('auth[domain] and auth[member_id] must be present: they say which portal sent the event.');
  return {
    domain,
    memberId,
    clientEndpoint: text(auth, 'client_endpoint') ?? '',
    serverEndpoint: text(auth, 'server_endpoint') ?? '',
  };
}

export function toAuth(auth: FormObject, timestamp: Date, problems: ShapeProblems): B24Auth | undefined {
  const accessToken = text(auth, 'access_token');
  if (!accessToken) return undefined;
  const result: B24Auth = { accessToken, scope: (text(auth, 'scope') ?? '').split(',').filter(Boolean) };
  const refreshToken = text(auth, 'refresh_token');
  if (refreshToken) result.refreshToken = refreshToken;
  const expires = integer(auth, 'expires', 'auth', problems);
  const expiresIn = integer(auth, 'expires_in', 'auth', problems);
  if (expires !== undefined) result.expiresAt = new Date(expires * 1000);
  else if (expiresIn !== undefined) result.expiresAt = new Date(timestamp.getTime() + expiresIn * 1000);
  const userId = integer(auth, 'user_id', 'auth', problems);
  if (userId !== undefined) result.userId = userId;
  const status = text(auth, 'status');
  if (status) result.status = status;
  const clientId = text(auth, 'client_id');
  if (clientId) result.clientId = clientId;
  return result;
}

/**
 * A copy whose secrets (the auth copies of data[BOT][<id>] and the like) are readable by name
 * but not enumerable, so no serializer or spread copy of the data carries them.
 */
function toData(name: string, data: FormValue | undefined, problems: ShapeProblems): unknown {
  const spec = findEventSpec(name);
  if (spec === undefined) {
    if (typeof data !== 'string') return conceal(data ?? {});
    if (problems === undefined) throw invalid('data should be a map of fields.');
    problems.push('data should be a map of fields');
    return data;
  }
  return typedData(spec.data, data ?? {}, 'data', problems);
}

function hidden(event: object, key: string, value: unknown): void {
  Object.defineProperty(event, key, { value, enumerable: false, writable: false, configurable: true });
}

/**
 * Turns a parsed delivery into its typed event; throws `INVALID_EVENT` when it is not one (no
 * `event`, `auth`, `ts` or portal), and, with `shapes: 'strict'`, when its data does not match
 * the registry.
 */
export function toEvent(form: FormObject, options?: ToEventOptions): B24Event {
  const problems: ShapeProblems = options?.shapes === 'strict' ? undefined : [];
  const rawName = text(form, 'event');
  if (!rawName) {
    throw invalid(
      'The body has no event field. Bitrix24 event deliveries always name their event; business-process robot calls (workflow_id, event_token) are not events.',
    );
  }
  const auth = readAuthBlock(form);
  const ts = integer(form, 'ts', '');
  if (ts === undefined) throw invalid('The body has no ts field (Unix seconds), which Bitrix24 sends with every event.');
  const timestamp = new Date(ts * 1000);
  const name = rawName.toUpperCase();

  const event = Object.create(B24EventRecord.prototype) as Record<string, unknown>;
  event.name = name;
  const handlerId = integer(form, 'event_handler_id', '', problems);
  if (handlerId !== undefined) event.handlerId = handlerId;
  event.timestamp = timestamp;
  event.portal = toPortal(auth);
  const oauth = toAuth(auth, timestamp, problems);
  if (oauth !== undefined) hidden(event, 'auth', oauth);
  event.data = toData(name, form.data, problems);
  if (problems !== undefined && problems.length > 0) event.problems = problems;
  hidden(event, 'raw', form);
  return event as unknown as B24Event;
}
