import type { FormValue } from '../form/types.js';
import { conceal, isSecretKey } from './redact.js';
import { INTEGER_TEXT, coerce, missingField, wrongShape, type EventShape, type ShapeProblems } from './shape.js';

/**
 * `conceal(coerce(shape, value, path, problems))` in one pass: the typed copy is built with its
 * secrets non-enumerable straight away, and no path string is built unless a field has a problem.
 * Problems come in the same order, and the copy has the same keys in the same order.
 */
export function typedData(shape: EventShape, value: FormValue | undefined, path: string, problems: ShapeProblems): unknown {
  return typed(shape, value, path, undefined, problems);
}

/** A field's path: `parent[key]`, or `parent` alone when `key` is undefined. */
function pathOf(parent: string, key: string | number | undefined): string {
  return key === undefined ? parent : `${parent}[${key}]`;
}

function typed(shape: EventShape, value: FormValue | undefined, parent: string, key: string | number | undefined, problems: ShapeProblems): unknown {
  if (shape === 'form') return conceal(value);
  if (shape === 'string') {
    if (typeof value === 'string') return value;
    wrongShape(problems, pathOf(parent, key), 'a string');
    return conceal(value);
  }
  if (shape === 'int') {
    if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
    wrongShape(problems, pathOf(parent, key), 'an integer');
    return conceal(value);
  }
  const path = pathOf(parent, key);
  if (Array.isArray(shape)) {
    if (value === undefined || typeof value === 'string') {
      wrongShape(problems, path, 'a list');
      return value;
    }
    // A list with a gap (PHP unset() one item) arrives keyed; its items still form the list.
    const items = Array.isArray(value) ? value : Object.values(value);
    const itemShape = shape[0] as EventShape;
    return items.map((item, index) => typed(itemShape, item, path, index, problems));
  }
  return typedObject(compiled(shape as ObjectShape), value, path, problems);
}

type ObjectShape = { readonly [key: string]: EventShape };

interface Field {
  key: string;
  shape: EventShape;
  optional: boolean;
  secret: boolean;
  /** An optional field sent as "" is left out (Bitrix24's empty id), unless it is text. */
  emptyIsAbsent: boolean;
}

interface CompiledShape {
  everyKey: EventShape | undefined;
  fields: Field[];
  byKey: Map<string, number>;
}

/** Registry shapes are read-only constants: each is compiled once. */
const compiledShapes = new WeakMap<ObjectShape, CompiledShape>();

function compiled(shape: ObjectShape): CompiledShape {
  let done = compiledShapes.get(shape);
  if (done !== undefined) return done;
  const fields = Object.keys(shape).map((shapeKey): Field => {
    const optional = shapeKey.endsWith('?');
    const fieldShape = shape[shapeKey]!;
    return {
      key: optional ? shapeKey.slice(0, -1) : shapeKey,
      shape: fieldShape,
      optional,
      secret: isSecretKey(optional ? shapeKey.slice(0, -1) : shapeKey),
      emptyIsAbsent: optional && fieldShape !== 'string' && fieldShape !== 'form',
    };
  });
  const byKey = new Map<string, number>();
  // With a key listed twice, the last listing decides, as assignments in shape order did.
  fields.forEach((field, index) => byKey.set(field.key, index));
  done = { everyKey: shape['*'], fields, byKey };
  compiledShapes.set(shape, done);
  return done;
}

/** Marks a field left out of the copy. */
const ABSENT = Symbol('absent');

function typedObject(shape: CompiledShape, value: FormValue | undefined, path: string, problems: ShapeProblems): unknown {
  if (value === undefined || typeof value === 'string') {
    wrongShape(problems, path, 'a map of fields');
    return value;
  }
  // A map whose keys happen to be 0..n-1 arrives as a list; its keys are still keys.
  const source: Record<string, FormValue> = Array.isArray(value) ? Object.fromEntries(value.entries()) : value;
  const keys = Object.keys(source);
  const out: Record<string, unknown> = {};
  const everyKey = shape.everyKey;
  if (everyKey !== undefined) {
    for (const key of keys) {
      const secret = isSecretKey(key);
      place(out, key, secret ? coerce(everyKey, source[key], pathOf(path, key), problems) : typed(everyKey, source[key], path, key, problems), secret);
    }
    return out;
  }
  // Fields are checked in the shape's order (so are their problems), then placed in the source's.
  const { fields, byKey } = shape;
  const values = new Array<unknown>(fields.length);
  for (let index = 0; index < fields.length; index++) {
    const { key, shape: fieldShape, optional, secret, emptyIsAbsent } = fields[index]!;
    const field = source[key];
    if (field === undefined || (emptyIsAbsent && field === '')) {
      values[index] = ABSENT;
      if (!optional) {
        missingField(problems, pathOf(path, key));
      }
      continue;
    }
    values[index] = secret ? coerce(fieldShape, field, pathOf(path, key), problems) : typed(fieldShape, field, path, key, problems);
  }
  let placed = 0;
  for (const key of keys) {
    const index = byKey.get(key);
    if (index === undefined) {
      const secret = isSecretKey(key);
      place(out, key, secret ? source[key] : conceal(source[key]), secret);
      continue;
    }
    placed++;
    if (values[index] !== ABSENT) place(out, key, values[index], fields[index]!.secret);
  }
  // A field the source has only through its prototype came after every own key.
  if (placed < byKey.size) {
    for (const [key, index] of byKey) if (values[index] !== ABSENT && !Object.hasOwn(source, key)) place(out, key, values[index], fields[index]!.secret);
  }
  return out;
}

/** As conceal() writes: secrets non-enumerable, everything else by plain assignment. */
function place(out: Record<string, unknown>, key: string, item: unknown, secret: boolean): void {
  if (secret) Object.defineProperty(out, key, { value: item, enumerable: false, writable: true, configurable: true });
  else out[key] = item;
}
