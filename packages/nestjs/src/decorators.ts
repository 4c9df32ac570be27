import type {} from 'reflect-metadata';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { B24Event as CoreB24Event, B24EventName, B24EventPattern, B24EventsMatching } from '@b24hooks/core';
import { B24_EVENT_HANDLER, B24_EVENT_PROPERTY } from './constants.js';

/**
 * A verified event, as in `@b24hooks/core`. Exported under the same name as the `@B24Event()`
 * parameter decorator, so one import serves both: `@B24Event() event: B24Event<'ONCRMDEALADD'>`.
 */
export type B24Event<N extends string = B24EventName | (string & {}), D = never> = CoreB24Event<N, D>;

/**
 * Runs the method for each verified event the module's route receives whose name matches: a name,
 * a list of names, or a `PREFIX*` pattern. The method's parameter is typed by the pattern; a
 * parameter type the pattern cannot deliver is a compile error.
 */
export function OnB24Event<const P extends B24EventPattern>(patterns: P | readonly P[]) {
  const added: readonly string[] = typeof patterns === 'string' ? [patterns] : patterns;
  return <M extends (event: CoreB24Event<B24EventsMatching<P>>) => unknown>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const method = descriptor.value;
    if (typeof method !== 'function') throw new TypeError('b24hooks: @OnB24Event() decorates methods.');
    const existing = (Reflect.getMetadata(B24_EVENT_HANDLER, method) as string[] | undefined) ?? [];
    Reflect.defineMetadata(B24_EVENT_HANDLER, [...existing, ...added], method);
  };
}

const eventOfRequest = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const req = context.switchToHttp().getRequest<Record<string, unknown>>();
  const event = req[B24_EVENT_PROPERTY];
  if (event === undefined) {
    throw new Error('b24hooks: @B24Event() found no verified event on this request; guard the route with @UseGuards(B24EventGuard).');
  }
  return event;
});

/** The event `B24EventGuard` verified for this request. */
export function B24Event(): ParameterDecorator {
  return eventOfRequest();
}
