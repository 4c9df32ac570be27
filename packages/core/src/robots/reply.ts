import type { B24RestCaller, B24RobotCall, B24RobotDefinition } from './types.js';

function wireValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wireValue);
  if (typeof value === 'boolean') return value ? 'Y' : 'N';
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * `RETURN_VALUES` for `bizproc.event.send`: the declared return properties only (with a
 * definition), booleans as `Y`/`N`, lists as lists; empty values left out.
 */
export function toReturnValues(definition: B24RobotDefinition | undefined, values: unknown): Record<string, unknown> {
  if (values === undefined || values === null) return {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new TypeError(`A robot handler returns an object of return values (or nothing); got ${Array.isArray(values) ? 'a list' : typeof values}.`);
  }
  const declared = definition?.returnProperties;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (declared && !Object.hasOwn(declared, key)) continue;
    result[key] = wireValue(value);
  }
  return result;
}

/** Only keys a definition declared are sent back: the others are named for the log. */
export function undeclaredKeys(definition: B24RobotDefinition | undefined, values: unknown): string[] {
  if (!definition || values === null || typeof values !== 'object') return [];
  return Object.keys(values).filter((key) => !Object.hasOwn(definition.returnProperties, key));
}

export async function sendReply(client: B24RestCaller, call: B24RobotCall, returnValues: Record<string, unknown>): Promise<void> {
  await client.call('bizproc.event.send', { EVENT_TOKEN: call.eventToken, RETURN_VALUES: returnValues });
}

/**
 * A line in the workflow's log, so the portal's admin sees why the robot stopped. Only the code and
 * the error's class: an error message may carry data or secrets, and those stay in the app's logs.
 */
export async function logFailure(client: B24RestCaller, call: B24RobotCall, error: unknown): Promise<void> {
  const kind = error instanceof Error ? error.name : typeof error;
  await client.call('bizproc.activity.log', {
    EVENT_TOKEN: call.eventToken,
    LOG_MESSAGE: `The application's handler of "${call.code}" failed (${kind}); nothing was returned. See the application's logs.`,
  });
}
