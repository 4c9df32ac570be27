import { INTEGER_TEXT } from '../events/shape.js';
import type { FormValue } from '../form/types.js';
import type { B24RobotProperties, B24RobotProperty } from './types.js';

const DOUBLE_TEXT = /^-?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$/;
const TRUE_TEXT = new Set(['Y', 'y', '1', 'true']);
const FALSE_TEXT = new Set(['N', 'n', '0', 'false']);

const NOT_COERCED = Symbol('not coerced');

/** One sent scalar as the property's type; `undefined` for an empty number or bool. */
function scalar(type: B24RobotProperty['type'], text: string): unknown {
  if (type === 'int' || type === 'double' || type === 'bool') {
    if (text === '') return undefined;
    if (type === 'int') return INTEGER_TEXT.test(text) ? Number(text) : NOT_COERCED;
    if (type === 'double') return DOUBLE_TEXT.test(text) ? Number(text.replace(',', '.')) : NOT_COERCED;
    if (TRUE_TEXT.has(text)) return true;
    return FALSE_TEXT.has(text) ? false : NOT_COERCED;
  }
  // date and datetime stay as the portal formatted them (its locale decides), user as `user_17`.
  return text;
}

function listOf(value: FormValue): FormValue[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value : Object.values(value);
}

/**
 * `properties[...]` coerced per the definition. What does not coerce stays as sent and is named in
 * `problems`: the call is verified, and refusing it would leave the workflow waiting for ever.
 */
export function coerceProperties(
  declared: B24RobotProperties,
  sent: FormValue | undefined,
  problems: string[],
): Record<string, unknown> {
  const source: Record<string, FormValue> =
    sent === undefined || typeof sent === 'string' ? {} : Array.isArray(sent) ? Object.fromEntries(sent.entries()) : sent;
  const result: Record<string, unknown> = { ...source };
  for (const [key, property] of Object.entries(declared)) {
    const value = source[key];
    const path = `properties[${key}]`;
    if (value === undefined || (value === '' && !property.multiple && property.type !== 'string' && property.type !== 'text')) {
      delete result[key];
      if (property.multiple) result[key] = [];
      if (property.required) problems.push(`${path} is missing`);
      continue;
    }
    if (property.multiple) {
      const items: unknown[] = [];
      listOf(value).forEach((item, index) => {
        if (typeof item !== 'string') {
          problems.push(`${path}[${index}] should be a single value`);
          items.push(item);
          return;
        }
        const coerced = scalar(property.type, item);
        if (coerced === NOT_COERCED) problems.push(`${path}[${index}] should be ${property.type}`);
        if (coerced !== undefined) items.push(coerced === NOT_COERCED ? item : coerced);
      });
      result[key] = items;
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`${path} should be a single value`);
      continue;
    }
    const coerced = scalar(property.type, value);
    if (coerced === NOT_COERCED) problems.push(`${path} should be ${property.type}`);
    else if (coerced === undefined) delete result[key];
    else result[key] = coerced;
  }
  return result;
}
