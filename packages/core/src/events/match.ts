import type { B24Event, B24EventPattern, B24EventsMatching } from './types.js';

/** A pattern as `on()` and `isB24Event()` read it: upper-cased; a trailing `*` matches any rest. */
export interface CompiledPattern {
  name: string;
  prefix: boolean;
}

export function compilePattern(pattern: string): CompiledPattern {
  if (typeof pattern !== 'string' || pattern === '') throw new TypeError('b24hooks: an event name or pattern must be a non-empty string.');
  const name = pattern.toUpperCase();
  return name.endsWith('*') ? { name: name.slice(0, -1), prefix: true } : { name, prefix: false };
}

export function matchesCompiled(name: string, pattern: CompiledPattern): boolean {
  return pattern.prefix ? name.startsWith(pattern.name) : name === pattern.name;
}

/**
 * Narrows an event by name, as `on()` types its handler: `isB24Event(event, 'ONCRMDEALUPDATE')`
 * gives `event.data.FIELDS.ID` as a number; lists and `PREFIX*` patterns work too.
 */
export function isB24Event<const P extends B24EventPattern>(
  event: { readonly name: string },
  names: P | readonly P[],
): event is B24Event<B24EventsMatching<P>> {
  const patterns = (typeof names === 'string' ? [names] : names).map(compilePattern);
  return patterns.some((pattern) => matchesCompiled(event.name, pattern));
}
