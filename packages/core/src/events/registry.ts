import { B24_EVENT_LIST } from './registry.generated.js';
import type { B24EventSpec } from './shape.js';

/** The registry by event name. */
export const B24_EVENTS: Readonly<Record<string, B24EventSpec>> = Object.freeze(
  Object.fromEntries(B24_EVENT_LIST.map((spec) => [spec.name, spec])),
);

/** Every registry event name, for listings and for checks that nothing is left out. */
export const B24_EVENT_NAMES: readonly string[] = Object.freeze(B24_EVENT_LIST.map((spec) => spec.name));

const SUFFIX = /^(.+)_\d+$/;

/** The registry row of a delivered name; `ONCRMDYNAMICITEMADD_147` finds its family's row. */
export function findEventSpec(name: string): B24EventSpec | undefined {
  const exact = B24_EVENTS[name];
  if (exact !== undefined) return exact;
  const family = SUFFIX.exec(name)?.[1];
  if (family === undefined) return undefined;
  const spec = B24_EVENTS[family];
  return spec?.suffixed ? spec : undefined;
}
