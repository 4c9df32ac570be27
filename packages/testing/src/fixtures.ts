import { B24_EVENT_NAMES, findEventSpec, type B24EventName, type B24EventSpec } from '@b24hooks/core';
import { B24TestingError } from './errors.js';
import type { EventFixture } from './fixture-types.js';
import { EVENT_FIXTURES } from './fixtures.generated.js';
import { closestNames } from './suggest.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** Every registry event's fixture data, by registry name (suffixed families under their bare name). */
export const fixtures: Readonly<Record<B24EventName, EventFixture> & Partial<Record<string, EventFixture>>> = deepFreeze(
  Object.fromEntries(EVENT_FIXTURES.map((fixture) => [fixture.name, fixture])) as Record<B24EventName, EventFixture>,
);

/** A delivered name resolved to its registry row and fixture. */
export interface ResolvedFixture {
  /** The name as Bitrix24 delivers it: upper-case, with its suffix (`ONCRMDYNAMICITEMADD_147`). */
  readonly name: string;
  readonly spec: B24EventSpec;
  readonly fixture: EventFixture;
  /** The suffix of a family member (`"147"`), when the name has one. */
  readonly suffix?: string;
}

export function unknownEvent(name: string): B24TestingError {
  const hints = closestNames(name, B24_EVENT_NAMES);
  return new B24TestingError(
    'UNKNOWN_EVENT',
    `"${name}" is not a Bitrix24 event in the b24hooks registry.` +
      (hints.length ? ` Did you mean ${hints.join(', ')}?` : '') +
      ' List the known events with `b24hooks events`.',
  );
}

/** Finds the registry row and fixture of a name, case-insensitively; `NAME_<id>` finds its family. */
export function resolveFixture(name: string): ResolvedFixture {
  const upper = typeof name === 'string' ? name.toUpperCase() : '';
  const spec = upper ? findEventSpec(upper) : undefined;
  if (spec === undefined) throw unknownEvent(String(name));
  const fixture = fixtures[spec.name];
  if (fixture === undefined) {
    throw new Error(`@b24hooks/testing has no fixture for ${spec.name}: its fixtures are older than the registry (run \`pnpm generate\`).`);
  }
  return upper === spec.name ? { name: upper, spec, fixture } : { name: upper, spec, fixture, suffix: upper.slice(spec.name.length + 1) };
}
