export { toEvent, type ToEventOptions } from './to-event.js';
export { isB24Event } from './match.js';
export { B24_EVENTS, B24_EVENT_NAMES, findEventSpec } from './registry.js';
export { B24_EVENT_LIST, type B24EventDataMap, type B24SuffixedFamily } from './registry.generated.js';
export { redact, isSecretKey, REDACTED } from './redact.js';
export type { EventShape, B24EventSpec } from './shape.js';
export type {
  B24Event,
  B24KnownEvent,
  B24EventName,
  B24SuffixedEventName,
  B24EventData,
  B24EventPattern,
  B24EventsMatching,
  B24Portal,
  B24Auth,
} from './types.js';
