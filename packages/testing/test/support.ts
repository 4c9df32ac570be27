import type { EventShape, FormValue } from '@b24hooks/core';

/**
 * Checks a typed `data` against the registry shape and the raw form it came from, independently of
 * core's coercion: every integer field present is a number equal to what was sent, text is kept as
 * sent, required keys are there and map keys survive. Returns what is wrong, one line each.
 */
export function coercionProblems(shape: EventShape, raw: FormValue | undefined, typed: unknown, path = 'data'): string[] {
  if (shape === 'int') {
    return typeof typed === 'number' && typed === Number(raw) ? [] : [`${path}: ${JSON.stringify(raw)} became ${JSON.stringify(typed)}, not the number`];
  }
  if (shape === 'string') return typed === raw ? [] : [`${path}: text changed`];
  if (shape === 'form') return JSON.stringify(typed) === JSON.stringify(raw) ? [] : [`${path}: untyped value changed`];
  if (raw === undefined || typeof raw === 'string') return [`${path}: expected a nested value, got ${JSON.stringify(raw)}`];
  if (Array.isArray(shape)) {
    const items = Array.isArray(raw) ? raw : Object.values(raw);
    if (!Array.isArray(typed) || typed.length !== items.length) return [`${path}: not a list of ${items.length}`];
    return items.flatMap((item, index) => coercionProblems(shape[0] as EventShape, item, typed[index], `${path}[${index}]`));
  }
  const source: Record<string, FormValue> = Array.isArray(raw) ? Object.fromEntries(raw.entries()) : raw;
  const target = typed as Record<string, unknown>;
  const objectShape = shape as Record<string, EventShape>;
  if (objectShape['*'] !== undefined) {
    return Object.keys(source).flatMap((key) =>
      key in target ? coercionProblems(objectShape['*']!, source[key], target[key], `${path}[${key}]`) : [`${path}: map key ${key} lost`],
    );
  }
  return Object.entries(objectShape).flatMap(([shapeKey, fieldShape]) => {
    const optional = shapeKey.endsWith('?');
    const key = optional ? shapeKey.slice(0, -1) : shapeKey;
    const value = source[key];
    if (value === undefined) return optional ? [] : [`${path}[${key}]: required but not sent`];
    if (optional && value === '' && fieldShape !== 'string' && fieldShape !== 'form') {
      return key in target ? [`${path}[${key}]: an empty optional id should be left out`] : [];
    }
    return coercionProblems(fieldShape, value, target[key], `${path}[${key}]`);
  });
}
