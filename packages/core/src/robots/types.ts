import type { B24Auth, B24Event, B24Portal } from '../events/types.js';
import type { FormObject, FormValue } from '../form/types.js';

/** Bitrix24's property types for robots and activities (`PROPERTIES[...][Type]`). */
export type B24RobotPropertyType = 'string' | 'text' | 'int' | 'double' | 'bool' | 'date' | 'datetime' | 'select' | 'user';

/** A name or description: one string, or one per language (`{ en: '...', de: '...' }`). */
export type B24LocalizedText = string | Readonly<Record<string, string>>;

export interface B24RobotProperty {
  readonly type: B24RobotPropertyType;
  /** Shown in the designer; defaults to the property's key. */
  readonly name?: B24LocalizedText;
  readonly description?: B24LocalizedText;
  readonly required?: boolean;
  readonly multiple?: boolean;
  readonly default?: unknown;
  /** For `select`: value → title. The handler gets the value. */
  readonly options?: Readonly<Record<string, string>>;
}

export type B24RobotProperties = Readonly<Record<string, B24RobotProperty>>;

export type B24RobotKind = 'robot' | 'activity';

/** What `defineRobot` accepts. */
export interface B24RobotDefinitionInput<P extends B24RobotProperties = B24RobotProperties, R extends B24RobotProperties = B24RobotProperties> {
  /** `a-z`, `A-Z`, `0-9`, `.`, `-`, `_`; unique within the application. */
  readonly code: string;
  readonly name: B24LocalizedText;
  readonly description?: B24LocalizedText;
  /** `'robot'` (default, `bizproc.robot.add`) or `'activity'` (`bizproc.activity.add`). */
  readonly kind?: B24RobotKind;
  readonly properties?: P;
  readonly returnProperties?: R;
  /** Whether the workflow waits for the reply (`USE_SUBSCRIPTION`); default true. */
  readonly useSubscription?: boolean;
  /** Whose token the calls carry (`AUTH_USER_ID`). */
  readonly authUserId?: number;
  readonly usePlacement?: boolean;
  /** `DOCUMENT_TYPE`, e.g. `['crm', 'CCrmDocumentDeal', 'DEAL']`. */
  readonly documentType?: readonly [string, string, string];
  /** `FILTER`, as Bitrix24 documents it (`{ INCLUDE: [...], EXCLUDE: [...] }`). */
  readonly filter?: Readonly<Record<string, unknown>>;
}

/** A checked definition: what `onRobot` and `registerRobots` take. */
export interface B24RobotDefinition<P extends B24RobotProperties = B24RobotProperties, R extends B24RobotProperties = B24RobotProperties>
  extends B24RobotDefinitionInput<P, R> {
  readonly kind: B24RobotKind;
  readonly properties: P;
  readonly returnProperties: R;
  readonly useSubscription: boolean;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The value of one property as the handler sees (or returns) it. */
export type B24RobotValue<T extends B24RobotProperty> = T['type'] extends 'int' | 'double'
  ? number
  : T['type'] extends 'bool'
    ? boolean
    : T['type'] extends 'select'
      ? T['options'] extends Readonly<Record<string, string>>
        ? keyof T['options'] & string
        : string
      : string;

type ValueOrList<T extends B24RobotProperty> = T extends { readonly multiple: true } ? B24RobotValue<T>[] : B24RobotValue<T>;

type AlwaysThere<P> = { [K in keyof P]: P[K] extends { readonly required: true } | { readonly multiple: true } ? K : never }[keyof P];

/** `call.properties` for a definition's properties: required and multiple ones always present. */
export type B24RobotPropertyValues<P extends B24RobotProperties> = Simplify<
  { [K in AlwaysThere<P>]: ValueOrList<P[K]> } & { [K in Exclude<keyof P, AlwaysThere<P>>]?: ValueOrList<P[K]> }
>;

type RequiredKeys<R> = { [K in keyof R]: R[K] extends { readonly required: true } ? K : never }[keyof R];

/** What a handler returns for a definition's return properties (required ones must be there). */
export type B24RobotReturnValues<R extends B24RobotProperties> = Simplify<
  { [K in RequiredKeys<R>]: ValueOrList<R[K]> } & { [K in Exclude<keyof R, RequiredKeys<R>>]?: ValueOrList<R[K]> }
>;

export interface B24RobotDocument {
  /** `crm`, `lists`, `disk`... */
  module: string;
  /** The document class, e.g. `CCrmDocumentDeal`. */
  entity: string;
  /** The document's id as Bitrix24 writes it, e.g. `DEAL_18`. */
  id: string;
}

/** A verified robot (or activity) call. */
export interface B24RobotCall<P = Record<string, FormValue>> {
  readonly kind: B24RobotKind;
  readonly code: string;
  readonly workflowId: string;
  /** The key for `bizproc.event.send`: a secret, hidden from JSON and `util.inspect` like every token. */
  readonly eventToken: string;
  readonly document: B24RobotDocument;
  readonly documentType: [string, string, string];
  readonly properties: P;
  /** Whether the workflow waits for the reply: true unless the call says `N`. */
  readonly useSubscription: boolean;
  /** How long the workflow waits (`timeout_duration`); absent when 0. */
  readonly timeoutSeconds?: number;
  readonly timestamp: Date;
  readonly portal: B24Portal;
  readonly auth?: B24Auth;
  /** Properties that were missing or did not coerce (they stay as sent); absent when none. */
  readonly problems?: string[];
  /** Everything Bitrix24 sent, tokens included: read secrets from here by name, never log it. */
  readonly raw: FormObject;
}

type Awaitable<T> = T | Promise<T>;

export type B24RobotHandler<P extends B24RobotProperties, R extends B24RobotProperties> = (
  call: B24RobotCall<B24RobotPropertyValues<P>>,
) => Awaitable<[keyof R] extends [never] ? void | Record<string, never> : B24RobotReturnValues<R>>;

/** A handler registered by code alone: properties as sent, any return values. */
export type B24RobotCodeHandler = (call: B24RobotCall) => Awaitable<void | Record<string, unknown>>;

/** The part of a REST client a receiver needs to answer robots. */
export interface B24RestCaller {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** `createReceiver({ rest })`: a client for the portal that sent a call (or an event). */
export type B24RestFactory = (source: B24RobotCall | B24Event) => B24RestCaller | Promise<B24RestCaller>;
