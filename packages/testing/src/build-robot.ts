import {
  encodeForm,
  normalizeForm,
  type B24Portal,
  type B24RobotDefinition,
  type B24RobotProperties,
  type B24RobotValue,
  type FormObject,
} from '@b24hooks/core';
import { BUILD_LIMITS, buildAuth, unixSeconds, type AuthPatch } from './build.js';
import { FIXTURE_TS } from './defaults.js';

/** Made up, shaped like Bitrix24's: `<unique id>|<activity name>|<signed part>`. */
export const FIXTURE_EVENT_TOKEN = '55c1dc1c3f0d75.78875596|A51601_82584_96831_81132|hsyUws1j4XiwqPqN45eH66CcQtEvpUIP.47dd5d888e8e549d2c98';
export const FIXTURE_WORKFLOW_ID = '67a1d3b0c2d1e4.12345678';

type InputValue<T extends B24RobotProperties[string]> = B24RobotValue<T> | string | number | boolean;

/** Values for a call's `properties`: typed per the definition, text accepted for any of them. */
export type RobotValues<P extends B24RobotProperties> = { [K in keyof P]?: InputValue<P[K]> | readonly InputValue<P[K]>[] } & Record<
  string,
  unknown
>;

export interface BuildRobotOptions {
  /** `auth[application_token]`; default `FIXTURE_TOKEN`. */
  token?: string;
  portal?: Partial<B24Portal>;
  /** With the OAuth fields of the robot's user (default), or only the five keys. */
  oauth?: boolean;
  auth?: AuthPatch;
  ts?: number | Date;
  eventToken?: string;
  workflowId?: string;
  /** `document_id`; default `['crm', 'CCrmDocumentDeal', 'DEAL_18']`. */
  document?: readonly [string, string, string];
  /** `document_type`; default the definition's `documentType`, else the deal type. */
  documentType?: readonly [string, string, string];
  /** `use_subscription`: default `Y` (the definition's `N` when it does not wait); `null` leaves it out. */
  useSubscription?: 'Y' | 'N' | '' | null;
  /** `timeout_duration` in seconds; default 0. */
  timeout?: number;
}

function wire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wire);
  if (typeof value === 'boolean') return value ? 'Y' : 'N';
  return value;
}

/**
 * The body Bitrix24 posts to a robot's (or activity's) handler, encoded as PHP's `http_build_query`
 * does: `workflow_id`, `code`, `document_id[]`, `document_type[]`, `event_token`,
 * `properties[...]` (every declared property: the given value, else its default, else empty;
 * booleans as `Y`/`N`), `use_subscription`, `timeout_duration`, `ts`, `auth[...]`.
 */
export function buildRobotBody<P extends B24RobotProperties>(
  definition: B24RobotDefinition<P, B24RobotProperties> | string,
  values: RobotValues<P> = {} as RobotValues<P>,
  options: BuildRobotOptions = {},
): string {
  return encodeForm(buildRobotForm(definition, values, options));
}

/** `buildRobotBody` before encoding, as `parseForm` reads it. */
export function buildRobotForm<P extends B24RobotProperties>(
  definition: B24RobotDefinition<P, B24RobotProperties> | string,
  values: RobotValues<P> = {} as RobotValues<P>,
  options: BuildRobotOptions = {},
): FormObject {
  const declared: B24RobotProperties = typeof definition === 'string' ? {} : definition.properties;
  const code = typeof definition === 'string' ? definition : definition.code;
  const properties: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(declared)) {
    const value = values[key] ?? property.default;
    properties[key] = wire(value === undefined ? (property.multiple ? [] : '') : value);
  }
  for (const [key, value] of Object.entries(values)) if (!(key in declared)) properties[key] = wire(value);
  const ts = unixSeconds(options.ts ?? FIXTURE_TS);
  const waits = typeof definition === 'string' || definition.useSubscription;
  const useSubscription = options.useSubscription === undefined ? (waits ? 'Y' : 'N') : options.useSubscription;
  const body: Record<string, unknown> = {
    workflow_id: options.workflowId ?? FIXTURE_WORKFLOW_ID,
    code,
    document_id: options.document ?? ['crm', 'CCrmDocumentDeal', 'DEAL_18'],
    document_type: options.documentType ?? (typeof definition === 'string' ? undefined : definition.documentType) ?? ['crm', 'CCrmDocumentDeal', 'DEAL'],
    event_token: options.eventToken ?? FIXTURE_EVENT_TOKEN,
    properties,
  };
  if (useSubscription !== null) body.use_subscription = useSubscription;
  body.timeout_duration = options.timeout ?? 0;
  body.ts = ts;
  body.auth = buildAuth(options.oauth ?? true, 'crm,bizproc', ts, options);
  return normalizeForm(body, BUILD_LIMITS);
}
