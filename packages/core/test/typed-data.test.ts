import { describe, expect, it } from 'vitest';
import { B24_EVENTS, parseForm } from '../src/index.js';
import { conceal } from '../src/events/redact.js';
import { coerce, type EventShape } from '../src/events/shape.js';
import { typedData } from '../src/events/typed-data.js';
import { botMessage, dealUpdate } from './support.js';

/** Every own key in order, with its enumerability, and the prototype: what conceal() promises. */
function layout(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return {
    proto: Object.getPrototypeOf(value) === Array.prototype ? 'array' : 'object',
    keys: Reflect.ownKeys(value).map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      return [String(key), descriptor.enumerable, layout(descriptor.value)];
    }),
  };
}

let state = 20261202;
const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
const ODD = ['', '12', '-3', '01', 'x', ['1', '2'], { a: '1' }, { 0: '5', 1: '6' }, { access_token: 'T', ID: '1' }, undefined];

/** A delivery's data with fields dropped, replaced by odd values, or added (secrets too). */
function mutate(value: unknown): unknown {
  if (rand() < 0.15) return ODD[Math.floor(rand() * ODD.length)];
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = Array.isArray(value) ? ([] as never) : {};
  for (const [key, item] of Object.entries(value)) {
    const mutated = rand() < 0.1 ? undefined : mutate(item);
    if (mutated !== undefined) out[key] = mutated;
  }
  if (rand() < 0.1) out[rand() < 0.5 ? 'EXTRA' : 'refresh_token'] = 'r';
  return out;
}

function attempt(run: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: layout(run()) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('typedData', () => {
  it('builds what conceal(coerce()) builds, with the same problems, on every registry shape', () => {
    const samples = [dealUpdate(), botMessage()].map((body) => (parseForm(body) as { data: unknown }).data);
    for (const spec of Object.values(B24_EVENTS)) {
      for (let round = 0; round < 20; round++) {
        const data = mutate(round % 2 ? samples[round % samples.length] : {}) ?? {};
        for (const strict of [false, true]) {
          const before: string[] | undefined = strict ? undefined : [];
          const after: string[] | undefined = strict ? undefined : [];
          const expected = attempt(() => conceal(coerce(spec.data as EventShape, data as never, 'data', before)));
          const actual = attempt(() => typedData(spec.data as EventShape, data as never, 'data', after));
          expect(actual, spec.name).toEqual(expected);
          expect(after, spec.name).toEqual(before);
        }
      }
    }
  });
});
