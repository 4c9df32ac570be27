import type { B24LocalizedText, B24RobotDefinition, B24RobotProperties } from '@b24hooks/core';
import type { RestClient } from './client.js';

export interface RegisterRobotsOptions {
  /** The URL Bitrix24 posts the calls to (the receiver's route); same domain rules as Bitrix24's. */
  handler: string;
  /** Whose token the calls carry (`AUTH_USER_ID`), unless a definition says; default 1. */
  authUserId?: number;
}

export interface RegisterRobotsResult {
  added: string[];
  updated: string[];
}

const yesNo = (value: boolean | undefined) => (value ? 'Y' : 'N');

function wireProperties(properties: B24RobotProperties): Record<string, unknown> {
  const wired: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    const entry: Record<string, unknown> = { Name: property.name ?? key, Type: property.type, Required: yesNo(property.required), Multiple: yesNo(property.multiple) };
    if (property.description !== undefined) entry.Description = property.description;
    if (property.default !== undefined) entry.Default = typeof property.default === 'boolean' ? yesNo(property.default) : property.default;
    if (property.options !== undefined) entry.Options = property.options;
    wired[key] = entry;
  }
  return wired;
}

/** The fields of `bizproc.robot.add` (and `activity.add`, and `FIELDS` of `*.update`). */
export function robotFields(definition: B24RobotDefinition, options: RegisterRobotsOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    HANDLER: options.handler,
    AUTH_USER_ID: definition.authUserId ?? options.authUserId ?? 1,
    USE_SUBSCRIPTION: yesNo(definition.useSubscription),
    NAME: definition.name as B24LocalizedText,
  };
  if (definition.description !== undefined) fields.DESCRIPTION = definition.description;
  fields.PROPERTIES = wireProperties(definition.properties);
  fields.RETURN_PROPERTIES = wireProperties(definition.returnProperties);
  if (definition.documentType !== undefined) fields.DOCUMENT_TYPE = definition.documentType;
  if (definition.filter !== undefined) fields.FILTER = definition.filter;
  if (definition.usePlacement !== undefined) fields.USE_PLACEMENT = yesNo(definition.usePlacement);
  return fields;
}

function checkHandler(handler: unknown): string {
  if (typeof handler !== 'string') throw new TypeError('registerRobots needs { handler }: the URL Bitrix24 posts robot calls to.');
  let url: URL;
  try {
    url = new URL(handler);
  } catch {
    throw new TypeError(`registerRobots: handler "${handler.slice(0, 200)}" is not an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('registerRobots: handler must be an http(s) URL.');
  return handler;
}

/**
 * Adds each robot (`bizproc.robot.add`) or activity (`bizproc.activity.add`) to the portal, or
 * updates it (`*.update`) when its code is already registered, so running it twice (at every
 * deploy, on every install) leaves the portal as one run did. Needs an application's client:
 * Bitrix24 refuses robots registered through an incoming webhook.
 */
export async function registerRobots(
  client: Pick<RestClient, 'call'>,
  definitions: readonly B24RobotDefinition[],
  options: RegisterRobotsOptions,
): Promise<RegisterRobotsResult> {
  const handler = checkHandler(options?.handler);
  const codes = new Set<string>();
  for (const definition of definitions) {
    if (codes.has(definition.code)) throw new TypeError(`registerRobots: the code "${definition.code}" is given twice.`);
    codes.add(definition.code);
  }
  const result: RegisterRobotsResult = { added: [], updated: [] };
  const existing = new Map<string, Set<string>>();
  for (const definition of definitions) {
    const kind = definition.kind;
    let known = existing.get(kind);
    if (known === undefined) {
      const listed: unknown = await client.call(`bizproc.${kind}.list`, {});
      known = new Set(Array.isArray(listed) ? listed.map(String) : Object.values(listed ?? {}).map(String));
      existing.set(kind, known);
    }
    const fields = robotFields(definition, { ...options, handler });
    if (known.has(definition.code)) {
      await client.call(`bizproc.${kind}.update`, { CODE: definition.code, FIELDS: fields });
      result.updated.push(definition.code);
    } else {
      await client.call(`bizproc.${kind}.add`, { CODE: definition.code, ...fields });
      known.add(definition.code);
      result.added.push(definition.code);
    }
  }
  return result;
}
