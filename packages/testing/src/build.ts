import {
  encodeForm,
  normalizeForm,
  type B24EventData,
  type B24EventName,
  type B24Portal,
  type B24SuffixedEventName,
  type FormObject,
  type FormValue,
} from '@b24hooks/core';
import { FIXTURE_HANDLER_ID, FIXTURE_OAUTH, FIXTURE_PORTAL, FIXTURE_TOKEN, FIXTURE_TS } from './defaults.js';
import type { EventFixture } from './fixture-types.js';
import { resolveFixture } from './fixtures.js';

/** A registry name (with completion), a family member such as `ONCRMDYNAMICITEMADD_147`, or any string. */
export type BuildableEventName = B24EventName | B24SuffixedEventName | (string & {});

/**
 * A deep patch of an event's `data`: integer fields take numbers or strings, any key may be added,
 * and `null` removes a key the fixture has.
 */
export type DataPatch<T> = T extends number
  ? number | string
  : T extends string
    ? string | number | boolean
    : T extends readonly (infer Item)[]
      ? readonly DataPatch<Item>[]
      : T extends object
        ? { [K in keyof T]?: DataPatch<T[K]> | null }
        : unknown;

/** Keys of `auth[...]` to set (`null` removes one, e.g. `{ application_token: null }`). */
export type AuthPatch = Record<string, string | number | null | undefined>;

export interface BuildEventOptions<N extends string = string> {
  /** Deep-merged over the fixture's documented data; `null` sends no `data` at all. */
  data?: DataPatch<B24EventData<N>> | null;
  /** `auth[application_token]`; default `FIXTURE_TOKEN`. */
  token?: string;
  /** The portal that sends it; a `domain` alone also sets `clientEndpoint` to `https://<domain>/rest/`. */
  portal?: Partial<B24Portal>;
  /**
   * With OAuth fields (access_token, refresh_token, expires, expires_in, scope, user_id, status) as an
   * application gets them, or only the five keys of an outgoing webhook. Default: as documented
   * for the event (only `ONAPPUNINSTALL`, `ONAPPMETHODCONFIRM`, `ONAPPPAYMENT` come without).
   */
  oauth?: boolean;
  /** Set or remove (`null`) any `auth[...]` key, after everything above. */
  auth?: AuthPatch;
  /** `ts`, Unix seconds or a Date; default `FIXTURE_TS`. */
  ts?: number | Date;
  /** `event_handler_id`; default `FIXTURE_HANDLER_ID`; `null` leaves it out, as older deliveries do. */
  handlerId?: number | null;
}

/** The limits Bitrix24's receivers apply are for incoming bodies, not for bodies a test builds. */
export const BUILD_LIMITS = { maxParams: Number.MAX_SAFE_INTEGER, maxDepth: 1000 };

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !(value instanceof Date);
}

/** `patch` over `base`: objects merge key by key (a list is merged by index), `null` deletes, anything else replaces. */
function mergePatch(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (!isTree(patch) || Array.isArray(patch) || !isTree(base)) return patch;
  const merged: Tree = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergePatch(merged[key], value);
  }
  return merged;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

export function unixSeconds(ts: number | Date): number {
  const seconds = ts instanceof Date ? Math.floor(ts.getTime() / 1000) : ts;
  if (!Number.isSafeInteger(seconds)) throw new TypeError(`ts must be Unix seconds (an integer) or a Date, got ${String(ts)}`);
  return seconds;
}

function resolvePortal(portal: Partial<B24Portal> | undefined): B24Portal {
  const resolved = { ...FIXTURE_PORTAL, ...portal };
  if (portal?.domain && !portal.clientEndpoint) resolved.clientEndpoint = `https://${portal.domain}/rest/`;
  return resolved;
}

/** The `auth` block, keys in the order Bitrix24 writes them. */
export function buildAuth(oauth: boolean, scope: string, ts: number, options: Pick<BuildEventOptions, 'portal' | 'token' | 'auth'>): Tree {
  const portal = resolvePortal(options.portal);
  const token = options.token ?? FIXTURE_TOKEN;
  const auth: Tree =
    oauth
      ? {
          access_token: FIXTURE_OAUTH.accessToken,
          expires: ts + FIXTURE_OAUTH.expiresIn,
          expires_in: FIXTURE_OAUTH.expiresIn,
          scope,
          domain: portal.domain,
          server_endpoint: portal.serverEndpoint,
          status: FIXTURE_OAUTH.status,
          client_endpoint: portal.clientEndpoint,
          member_id: portal.memberId,
          user_id: FIXTURE_OAUTH.userId,
          refresh_token: FIXTURE_OAUTH.refreshToken,
          application_token: token,
        }
      : {
          domain: portal.domain,
          client_endpoint: portal.clientEndpoint,
          server_endpoint: portal.serverEndpoint,
          member_id: portal.memberId,
          application_token: token,
        };
  return mergePatch(auth, options.auth) as Tree;
}

/**
 * Chat-bot events repeat the auth block inside `data[BOT][<id>]` (and its `AUTH`): keep those
 * copies in step with the top-level block, as Bitrix24 does.
 */
function syncAuthCopies(value: unknown, auth: Tree): void {
  if (!isTree(value)) return;
  const record = value as Tree;
  if (typeof record.application_token === 'string' && typeof record.member_id === 'string') {
    for (const key of Object.keys(record)) {
      if (typeof record[key] === 'string' && auth[key] !== undefined && auth[key] !== null) record[key] = String(auth[key]);
    }
  }
  for (const item of Object.values(record)) syncAuthCopies(item, auth);
}

function setPath(data: unknown, path: readonly string[], value: string): void {
  let node = data;
  for (const key of path.slice(0, -1)) node = isTree(node) ? (node as Tree)[key] : undefined;
  if (isTree(node)) (node as Tree)[path.at(-1)!] = value;
}

/**
 * The body of a delivery of `name` before encoding, as `parseForm` reads it (every value a string):
 * `event`, `event_handler_id`, `data` (the documented example with `options.data` merged over it),
 * `ts`, `auth`. Pass it to `receiver.verify()` to test without HTTP.
 */
export function buildEventForm<const N extends BuildableEventName>(name: N, options: BuildEventOptions<N> = {}): FormObject {
  const { name: eventName, spec, fixture, suffix } = resolveFixture(name);
  const ts = unixSeconds(options.ts ?? FIXTURE_TS);
  const auth = buildAuth(options.oauth ?? fixture.oauth, spec.scope, ts, options as BuildEventOptions);
  let data: unknown = clone(fixture.data as FormValue);
  if (suffix !== undefined && fixture.suffixPath) setPath(data, fixture.suffixPath, suffix);
  syncAuthCopies(data, auth);
  data = options.data === null ? undefined : mergePatch(data, options.data);
  const handlerId = options.handlerId === undefined ? FIXTURE_HANDLER_ID : options.handlerId;
  return normalizeForm({ event: eventName, event_handler_id: handlerId, data, ts, auth }, BUILD_LIMITS);
}

/**
 * The body Bitrix24 would POST for `name`, encoded exactly as PHP's `http_build_query` does
 * (`application/x-www-form-urlencoded`). Options as for `buildEventForm`.
 */
export function buildEventBody<const N extends BuildableEventName>(name: N, options: BuildEventOptions<N> = {}): string {
  return encodeForm(buildEventForm(name, options));
}

/** A registry event's fixture, complete: its documented data, the body as delivered, and that body parsed. */
export interface B24Fixture {
  /** The name as delivered (`ONCRMDYNAMICITEMADD_147` for a family member). */
  readonly name: string;
  readonly scope: string;
  /** The event's page in the Bitrix24 REST documentation. */
  readonly doc: string;
  readonly fixture: EventFixture;
  /** What `parseForm(body)` gives: `buildEventForm(name)`. */
  readonly form: FormObject;
  /** `buildEventBody(name)`. */
  readonly body: string;
}

/** The default fixture of an event, built: `fixtureFor('ONCRMDEALUPDATE').body` is ready to POST. */
export function fixtureFor(name: BuildableEventName): B24Fixture {
  const { name: eventName, spec, fixture } = resolveFixture(name);
  const form = buildEventForm(eventName);
  return { name: eventName, scope: spec.scope, doc: spec.doc, fixture, form, body: encodeForm(form) };
}
