import { B24HookError } from '../errors.js';
import { redact } from '../events/redact.js';
import { integer, readAuthBlock, toAuth, toPortal } from '../events/to-event.js';
import type { FormObject, FormValue } from '../form/types.js';
import { coerceProperties } from './properties.js';
import type { B24RobotCall, B24RobotDefinition, B24RobotDocument, B24RobotProperties, B24RobotPropertyValues } from './types.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A POST with `workflow_id` and `event_token` and no `event` is a robot (or activity) call. */
export function isRobotCallForm(form: FormObject): boolean {
  return form.event === undefined && typeof form.workflow_id === 'string' && typeof form.event_token === 'string';
}

function invalid(message: string): B24HookError {
  return new B24HookError('INVALID_EVENT', message);
}

/**
 * The call object. Its secrets (`eventToken`, `auth`, `raw`) are readable by name but not
 * enumerable, so spreading, `JSON.stringify` and `util.inspect` never show them in clear.
 */
class B24RobotCallRecord {
  declare readonly eventToken: string;
  declare readonly auth?: unknown;

  toJSON(): object {
    const { eventToken, auth } = this;
    return redact({ ...this, eventToken, ...(auth === undefined ? {} : { auth }) });
  }

  [INSPECT](depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `B24RobotCall ${inspect(this.toJSON(), options)}`;
  }
}

function hidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: false, configurable: false });
}

function triple(value: FormValue | undefined): [string, string, string] {
  const items = value === undefined || typeof value === 'string' ? [] : Array.isArray(value) ? value : Object.values(value);
  const text = (index: number) => (typeof items[index] === 'string' ? (items[index] as string) : '');
  return [text(0), text(1), text(2)];
}

/**
 * Turns a verified robot call's form into its typed call: `properties` coerced per `definition`
 * (as sent without one). Throws `INVALID_EVENT` when the form is not a robot call. Call it from a
 * worker on a job's form, then `receiver.receiveRobot(call)`.
 */
export function toRobotCall<P extends B24RobotProperties, R extends B24RobotProperties>(
  form: FormObject,
  definition: B24RobotDefinition<P, R>,
): B24RobotCall<B24RobotPropertyValues<P>>;
export function toRobotCall(form: FormObject): B24RobotCall;
export function toRobotCall(form: FormObject, definition?: B24RobotDefinition): B24RobotCall<unknown> {
  if (!isRobotCallForm(form)) {
    throw invalid('The body is not a robot call: one has workflow_id and event_token, and no event field.');
  }
  const code = form.code;
  if (typeof code !== 'string' || code === '') throw invalid('The robot call has no code field: it names the robot that runs.');
  const auth = readAuthBlock(form);
  const ts = integer(form, 'ts', '');
  if (ts === undefined) throw invalid('The robot call has no ts field (Unix seconds), which Bitrix24 sends with every call.');
  const timestamp = new Date(ts * 1000);
  const [module, entity, id] = triple(form.document_id);
  const document: B24RobotDocument = { module, entity, id };
  const problems: string[] = [];
  const properties = definition
    ? coerceProperties(definition.properties, form.properties, problems)
    : { ...(typeof form.properties === 'object' && !Array.isArray(form.properties) ? form.properties : {}) };
  const timeout = form.timeout_duration;
  const timeoutSeconds = typeof timeout === 'string' && /^\d+$/.test(timeout) && Number(timeout) > 0 ? Number(timeout) : undefined;

  const call = Object.create(B24RobotCallRecord.prototype) as Record<string, unknown>;
  call.kind = definition?.kind ?? 'robot';
  call.code = code;
  call.workflowId = form.workflow_id;
  hidden(call, 'eventToken', form.event_token);
  call.document = document;
  call.documentType = triple(form.document_type);
  call.properties = properties;
  // The docs: an empty value means the workflow waits; only N says it does not.
  call.useSubscription = form.use_subscription !== 'N';
  if (timeoutSeconds !== undefined) call.timeoutSeconds = timeoutSeconds;
  call.timestamp = timestamp;
  call.portal = toPortal(auth);
  const oauth = toAuth(auth, timestamp, problems);
  if (oauth !== undefined) hidden(call, 'auth', oauth);
  if (problems.length > 0) call.problems = problems;
  hidden(call, 'raw', form);
  return call as unknown as B24RobotCall<unknown>;
}
