import { B24HookError } from '../errors.js';
import type { FormValue } from '../form/types.js';

/**
 * The shape of an event's `data`, as the registry writes it: `"int"` (an integer Bitrix24 sends as
 * a decimal string; becomes a number), `"string"` (kept as sent), `"form"` (anything, kept as
 * sent), `[shape]` (a list), `{ "*": shape }` (a map keyed by ids, such as `data[BOT][<bot id>]`)
 * or an object of known keys, where a key ending in `?` may be absent.
 */
export type EventShape = 'int' | 'string' | 'form' | readonly [EventShape] | { readonly [key: string]: EventShape };

export interface B24EventSpec {
  readonly name: string;
  readonly scope: string;
  readonly doc: string;
  /** Also delivered as `NAME_<id>`, e.g. `ONCRMDYNAMICITEMADD_147` for one smart-process type. */
  readonly suffixed: boolean;
  readonly data: EventShape;
}

/** A decimal integer as PHP prints one: Bitrix24's ids and counters. */
export const INTEGER_TEXT = /^-?(?:0|[1-9]\d*)$/;

/**
 * Where shape problems go. Without one (`shapes: 'strict'`) the first problem refuses the delivery
 * with `INVALID_EVENT`; with one, each is listed and the field stays as sent.
 */
export type ShapeProblems = string[] | undefined;

function mismatch(problems: ShapeProblems, problem: string, refusal: string): void {
  if (problems === undefined) throw new B24HookError('INVALID_EVENT', refusal);
  problems.push(problem);
}

/** A field the documentation says is always sent is not: listed, or the delivery refused. */
export function missingField(problems: ShapeProblems, path: string): void {
  mismatch(problems, `${path} is missing`, `${path} is missing; the Bitrix24 documentation of this event says it is always sent.`);
}

/** `path` is not of the `expected` kind: listed, or the delivery refused under `shapes: 'strict'`. */
export function wrongShape(problems: ShapeProblems, path: string, expected: string): void {
  mismatch(
    problems,
    `${path} should be ${expected}`,
    `${path} should be ${expected}, as the Bitrix24 documentation of this event says; the delivery does not match it.`,
  );
}

/**
 * Checks `value` against `shape` and returns a copy with integer fields as numbers. A value that
 * does not fit is returned as sent, once its problem is listed.
 */
export function coerce(shape: EventShape, value: FormValue | undefined, path: string, problems?: ShapeProblems): unknown {
  if (shape === 'form') return value;
  if (shape === 'string') {
    if (typeof value !== 'string') wrongShape(problems, path, 'a string');
    return value;
  }
  if (shape === 'int') {
    if (typeof value !== 'string' || !INTEGER_TEXT.test(value)) {
      wrongShape(problems, path, 'an integer');
      return value;
    }
    return Number(value);
  }
  if (Array.isArray(shape)) {
    if (value === undefined || typeof value === 'string') {
      wrongShape(problems, path, 'a list');
      return value;
    }
    // A list with a gap (PHP unset() one item) arrives keyed; its items still form the list.
    const items = Array.isArray(value) ? value : Object.values(value);
    const itemShape = shape[0] as EventShape;
    return items.map((item, index) => coerce(itemShape, item, `${path}[${index}]`, problems));
  }
  return coerceObject(shape as { readonly [key: string]: EventShape }, value, path, problems);
}

function coerceObject(shape: { readonly [key: string]: EventShape }, value: FormValue | undefined, path: string, problems: ShapeProblems): unknown {
  if (value === undefined || typeof value === 'string') {
    wrongShape(problems, path, 'a map of fields');
    return value;
  }
  // A map whose keys happen to be 0..n-1 arrives as a list; its keys are still keys.
  const source: Record<string, FormValue> = Array.isArray(value) ? Object.fromEntries(value.entries()) : value;
  const result: Record<string, unknown> = { ...source };
  const everyKey = shape['*'];
  if (everyKey !== undefined) {
    for (const key of Object.keys(source)) result[key] = coerce(everyKey, source[key], `${path}[${key}]`, problems);
    return result;
  }
  for (const shapeKey of Object.keys(shape)) {
    const optional = shapeKey.endsWith('?');
    const key = optional ? shapeKey.slice(0, -1) : shapeKey;
    const field = source[key];
    const fieldShape = shape[shapeKey]!;
    if (field === undefined || (optional && field === '' && fieldShape !== 'string' && fieldShape !== 'form')) {
      // Bitrix24 writes an empty optional id as ""; the typed data leaves it out, raw keeps it.
      if (optional) {
        delete result[key];
        continue;
      }
      missingField(problems, `${path}[${key}]`);
      continue;
    }
    result[key] = coerce(fieldShape, field, `${path}[${key}]`, problems);
  }
  return result;
}
