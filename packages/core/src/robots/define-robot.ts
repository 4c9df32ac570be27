import type { B24RobotDefinition, B24RobotDefinitionInput, B24RobotProperties, B24RobotPropertyType } from './types.js';

export const ROBOT_PROPERTY_TYPES: ReadonlySet<B24RobotPropertyType> = new Set([
  'string',
  'text',
  'int',
  'double',
  'bool',
  'date',
  'datetime',
  'select',
  'user',
]);

// Bitrix24 refuses other codes and property keys at registration ("Wrong activity code!"): failing
// here says so where the definition is written, not at deploy time.
const CODE = /^[A-Za-z0-9._-]+$/;
const PROPERTY_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

function checkProperties(code: string, where: string, properties: unknown): B24RobotProperties {
  if (properties === undefined) return {};
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    throw new TypeError(`b24hooks: defineRobot(${code}): ${where} must be an object of properties.`);
  }
  for (const [key, property] of Object.entries(properties)) {
    if (!PROPERTY_KEY.test(key)) {
      throw new TypeError(`b24hooks: defineRobot(${code}): ${where}.${key}: a property key starts with a letter and has only a-z, A-Z, 0-9 and _.`);
    }
    const type = (property as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !ROBOT_PROPERTY_TYPES.has(type as B24RobotPropertyType)) {
      throw new TypeError(`b24hooks: defineRobot(${code}): ${where}.${key}.type must be one of ${[...ROBOT_PROPERTY_TYPES].join(', ')}.`);
    }
    const options = (property as { options?: unknown }).options;
    if (type === 'select' && (options === null || typeof options !== 'object' || Object.keys(options).length === 0)) {
      throw new TypeError(`b24hooks: defineRobot(${code}): ${where}.${key} is a select: give it options ({ value: 'Title' }).`);
    }
  }
  return properties as B24RobotProperties;
}

/**
 * A robot (or business-process activity) definition: what `registerRobots` registers and what
 * `receiver.onRobot` types its handler's `call.properties` and return value from.
 */
export function defineRobot<const P extends B24RobotProperties = {}, const R extends B24RobotProperties = {}>(
  definition: B24RobotDefinitionInput<P, R>,
): B24RobotDefinition<P, R> {
  if (definition === null || typeof definition !== 'object') throw new TypeError('b24hooks: defineRobot needs a definition object.');
  const { code, name, kind = 'robot', useSubscription = true } = definition;
  if (typeof code !== 'string' || !CODE.test(code)) {
    throw new TypeError('b24hooks: defineRobot: code must be a non-empty string of a-z, A-Z, 0-9, ".", "-" and "_".');
  }
  if (!(typeof name === 'string' ? name.length > 0 : name !== null && typeof name === 'object')) {
    throw new TypeError(`b24hooks: defineRobot(${code}): name must be a non-empty string or an object of translations.`);
  }
  if (kind !== 'robot' && kind !== 'activity') throw new TypeError(`b24hooks: defineRobot(${code}): kind must be 'robot' or 'activity'.`);
  if (typeof useSubscription !== 'boolean') throw new TypeError(`b24hooks: defineRobot(${code}): useSubscription must be true or false.`);
  const properties = checkProperties(code, 'properties', definition.properties) as P;
  const returnProperties = checkProperties(code, 'returnProperties', definition.returnProperties) as R;
  return Object.freeze({ ...definition, kind, useSubscription, properties, returnProperties });
}

export function isRobotDefinition(value: unknown): value is B24RobotDefinition {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { properties?: unknown }).properties === 'object'
  );
}
