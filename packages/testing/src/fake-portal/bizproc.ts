import type { B24RobotDefinition, FormObject, FormValue } from '@b24hooks/core';
import { buildRobotBody, type BuildRobotOptions, type RobotValues } from '../build-robot.js';
import { postBody, type SendResult } from '../send.js';
import { FakePortalError } from './errors.js';
import { randomHex } from './tokens.js';
import type { FakePortal, MethodContext } from './types.js';

/** A robot or activity as the portal keeps it: the fields `*.add` got, as parsed. */
export interface FakeRegisteredRobot {
  kind: 'robot' | 'activity';
  code: string;
  fields: FormObject;
  /** How many times `*.update` changed it. */
  updates: number;
}

/** One `bizproc.event.send`: the reply a waiting workflow got. */
export interface FakeRobotReply {
  eventToken: string;
  returnValues: FormObject;
  logMessage?: string;
  /** The token came from a call this portal posted (`postRobot`). */
  known: boolean;
  at: Date;
}

/** One `bizproc.activity.log` line. */
export interface FakeActivityLogLine {
  eventToken: string;
  message: string;
  at: Date;
}

/** The portal's business-process side: registered robots and activities, replies, log lines. */
export interface FakeBizproc {
  readonly robots: ReadonlyMap<string, FakeRegisteredRobot>;
  readonly activities: ReadonlyMap<string, FakeRegisteredRobot>;
  readonly replies: FakeRobotReply[];
  readonly log: FakeActivityLogLine[];
  /** The reply for a call's event token, if one came. */
  replyTo(eventToken: string): FakeRobotReply | undefined;
}

export interface PostRobotOptions extends Omit<BuildRobotOptions, 'portal' | 'token'> {
  /** `auth[application_token]`; default the portal's. */
  token?: string;
  timeoutMs?: number;
}

export interface PostRobotResult extends SendResult {
  /** The call's `event_token` (a fresh one per call unless given): look its reply up with `replyTo`. */
  eventToken: string;
}

const CODE = /^[A-Za-z0-9._-]+$/;
const STATE_KEY = 'bizproc';

function invalid(description: string): FakePortalError {
  return new FakePortalError('ERROR_ACTIVITY_VALIDATION_FAILURE', description);
}

function text(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** What Bitrix24 checks before it stores a robot or activity (the errors its docs list). */
function checkFields(fields: FormObject, code: string | undefined): void {
  if (code === undefined) throw invalid('Empty activity code!');
  if (!CODE.test(code)) throw invalid('Wrong activity code!');
  const handler = text(fields.HANDLER);
  if (handler === undefined) throw new FakePortalError('ERROR_WRONG_HANDLER_URL', 'Wrong handler URL');
  if (!/^https?:\/\//i.test(handler)) throw new FakePortalError('ERROR_UNSUPPORTED_PROTOCOL', 'Unsupported handler protocol');
  if (fields.NAME === undefined || fields.NAME === '') throw invalid('Empty activity NAME!');
  for (const group of ['PROPERTIES', 'RETURN_PROPERTIES'] as const) {
    const properties = fields[group];
    if (properties === undefined || properties === '') continue;
    if (typeof properties === 'string' || Array.isArray(properties)) throw invalid('Wrong properties array!');
    for (const [key, property] of Object.entries(properties)) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw invalid(`Wrong property key ${key}!`);
      if (typeof property === 'string' || Array.isArray(property) || !property.Name) throw invalid(`Empty property NAME ${key}!`);
    }
  }
}

function appOnly(context: MethodContext): void {
  // Robots belong to an application: an incoming webhook cannot register them.
  if (context.auth.kind !== 'oauth') throw new FakePortalError('ACCESS_DENIED', 'Application context required', 403);
}

/** Sets `bizproc.robot.*`, `bizproc.activity.*`, `bizproc.event.send` and `bizproc.activity.log` on a portal. */
export function installBizproc(portal: FakePortal): FakeBizproc {
  const robots = new Map<string, FakeRegisteredRobot>();
  const activities = new Map<string, FakeRegisteredRobot>();
  const issued = new Set<string>();
  const bizproc: FakeBizproc & { issued: Set<string> } = {
    robots,
    activities,
    replies: [],
    log: [],
    issued,
    replyTo: (eventToken) => bizproc.replies.find((reply) => reply.eventToken === eventToken),
  };

  for (const [kind, registry] of [['robot', robots], ['activity', activities]] as const) {
    portal.method(`bizproc.${kind}.add`, (params, context) => {
      appOnly(context);
      const code = text(params.CODE);
      checkFields(params, code);
      if (registry.has(code!)) throw new FakePortalError('ERROR_ACTIVITY_ALREADY_INSTALLED', 'Activity or Automation rule already installed!');
      registry.set(code!, { kind, code: code!, fields: params, updates: 0 });
      return true;
    });
    portal.method(`bizproc.${kind}.update`, (params, context) => {
      appOnly(context);
      const code = text(params.CODE);
      const existing = code === undefined ? undefined : registry.get(code);
      if (existing === undefined) throw new FakePortalError('ERROR_ACTIVITY_NOT_FOUND', 'Activity or Automation rule not found!');
      const fields = params.FIELDS;
      if (fields === undefined || typeof fields === 'string' || Array.isArray(fields)) throw invalid('No fields to update.');
      const next = { ...existing.fields, ...fields, CODE: existing.code };
      checkFields(next, existing.code);
      registry.set(existing.code, { ...existing, fields: next, updates: existing.updates + 1 });
      return true;
    });
    portal.method(`bizproc.${kind}.list`, (_params, context) => {
      appOnly(context);
      return [...registry.keys()];
    });
    portal.method(`bizproc.${kind}.delete`, (params, context) => {
      appOnly(context);
      const code = text(params.CODE);
      if (code === undefined || !registry.delete(code)) throw new FakePortalError('ERROR_ACTIVITY_NOT_FOUND', 'Activity or Automation rule not found!');
      return true;
    });
  }

  portal.method('bizproc.event.send', (params) => {
    const eventToken = text(params.EVENT_TOKEN ?? params.event_token);
    if (eventToken === undefined) throw new FakePortalError('ERROR_ARGUMENT', 'EVENT_TOKEN is required');
    const returnValues = params.RETURN_VALUES ?? params.return_values;
    const reply: FakeRobotReply = {
      eventToken,
      returnValues: returnValues === undefined || typeof returnValues === 'string' || Array.isArray(returnValues) ? {} : returnValues,
      known: issued.has(eventToken),
      at: new Date(),
    };
    const logMessage = text(params.LOG_MESSAGE ?? params.log_message);
    if (logMessage !== undefined) reply.logMessage = logMessage;
    bizproc.replies.push(reply);
    return true;
  });
  portal.method('bizproc.activity.log', (params) => {
    const eventToken = text(params.EVENT_TOKEN ?? params.event_token);
    const message = text(params.LOG_MESSAGE ?? params.log_message);
    if (eventToken === undefined || message === undefined) throw new FakePortalError('ERROR_ARGUMENT', 'EVENT_TOKEN and LOG_MESSAGE are required');
    bizproc.log.push({ eventToken, message, at: new Date() });
    return true;
  });

  portal.state.set(STATE_KEY, bizproc);
  return bizproc;
}

/** The business-process state of a portal (installed on first use). */
export function bizprocOf(portal: FakePortal): FakeBizproc {
  return (portal.state.get(STATE_KEY) as FakeBizproc | undefined) ?? installBizproc(portal);
}

/** A fresh event token (or the given one) that this portal's `bizproc.event.send` will know as its own. */
export function issueEventToken(portal: FakePortal, eventToken?: string): string {
  const token = eventToken ?? `${randomHex(7)}.${randomHex(4)}|A${randomHex(4)}|${randomHex(16)}`;
  (bizprocOf(portal) as FakeBizproc & { issued: Set<string> }).issued.add(token);
  return token;
}

/** A robot call from this portal, as Bitrix24 posts it, with the portal's auth and a fresh event token. */
export async function postPortalRobot(
  portal: FakePortal,
  url: string | URL,
  definition: B24RobotDefinition | string,
  values: Record<string, unknown> = {},
  options: PostRobotOptions = {},
): Promise<PostRobotResult> {
  const eventToken = issueEventToken(portal, options.eventToken);
  const { token, timeoutMs, ...build } = options;
  const body = buildRobotBody(definition as B24RobotDefinition, values as RobotValues<{}>, {
    ...build,
    workflowId: build.workflowId ?? `${randomHex(7)}.${randomHex(4)}`,
    eventToken,
    portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint },
    token: token ?? portal.applicationToken,
    ts: build.ts ?? Math.floor(Date.now() / 1000),
    auth: { ...portal.eventAuth({ oauth: build.oauth !== false, ...(token !== undefined ? { token } : {}) }), ...build.auth },
  });
  const result = await postBody(url, body, timeoutMs !== undefined ? { timeoutMs } : {});
  return { ...result, eventToken };
}
