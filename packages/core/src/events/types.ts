import type { FormObject } from '../form/types.js';
import type { B24EventDataMap, B24SuffixedFamily } from './registry.generated.js';

/** A name from the registry. */
export type B24EventName = keyof B24EventDataMap & string;

/** A family member as delivered, e.g. `ONCRMDYNAMICITEMADD_147`. */
export type B24SuffixedEventName = `${B24SuffixedFamily}_${number}`;

export interface B24Portal {
  domain: string;
  /** The portal's id (`auth[member_id]`): the key of a token store. */
  memberId: string;
  clientEndpoint: string;
  serverEndpoint: string;
}

/** OAuth data, present when a user's action caused the event and the receiver is an application. */
export interface B24Auth {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  scope: string[];
  userId?: number;
  status?: string;
  clientId?: string;
}

/** The typed `data` of a delivered name: its registry row, its family's row, or the form as sent. */
export type B24EventData<N extends string> = N extends B24EventName
  ? B24EventDataMap[N]
  : N extends B24SuffixedEventName
    ? { [F in B24SuffixedFamily]: N extends `${F}_${number}` ? B24EventDataMap[F] : never }[B24SuffixedFamily]
    : FormObject;

interface B24EventFields<N extends string, D> {
  readonly name: N;
  readonly handlerId?: number;
  readonly timestamp: Date;
  readonly portal: B24Portal;
  readonly auth?: B24Auth;
  readonly data: D;
  /**
   * What in `data` (or the envelope's optional fields) did not match the registry, e.g.
   * `"data[PARAMS][FROM_USER_ID] is missing"`; such fields stay as sent. Absent when all matched.
   */
  readonly problems?: readonly string[];
  /** Everything Bitrix24 sent, tokens included: read secrets from here by name, never log it. */
  readonly raw: FormObject;
}

/**
 * A verified delivery. `B24Event<'ONCRMDEALUPDATE'>` is one event; `B24Event` is every registry
 * event plus unknown names (`B24Event<string, FormObject>`), which still parse.
 */
export type B24Event<N extends string = B24EventName | (string & {}), D = never> = N extends unknown
  ? B24EventFields<N, [D] extends [never] ? B24EventData<N> : D>
  : never;

/** Only the registry's events: a union that narrows on `name`. */
export type B24KnownEvent = B24Event<B24EventName>;

/** What `on()` accepts: a name, a family member, a `PREFIX*` pattern, or any other name. */
export type B24EventPattern = B24EventName | B24SuffixedEventName | `${string}*` | (string & {});

/** The names a pattern matches, for typing handlers. */
export type B24EventsMatching<P extends string> = P extends `${infer Prefix}*`
  ? [Extract<B24EventName, `${Prefix}${string}`>] extends [never]
    ? string & {}
    : Extract<B24EventName, `${Prefix}${string}`>
  : P;
