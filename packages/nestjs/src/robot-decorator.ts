import type {} from 'reflect-metadata';
import type { B24RobotDefinition, B24RobotHandler, B24RobotProperties, B24RobotCodeHandler } from '@b24hooks/core';
import { B24_ROBOT_HANDLER } from './constants.js';

/**
 * Answers robot (or activity) calls with the definition's code, on the module's route: the method
 * gets the typed `B24RobotCall` and returns the return values, which go back to the workflow with
 * `bizproc.event.send` (the module needs `rest`, e.g. `createRestFactory({ app })`).
 */
export function OnB24Robot<P extends B24RobotProperties, R extends B24RobotProperties>(
  definition: B24RobotDefinition<P, R>,
): <M extends B24RobotHandler<P, R>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void;
export function OnB24Robot(
  code: string,
): <M extends B24RobotCodeHandler>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void;
export function OnB24Robot(target: B24RobotDefinition | string) {
  return (_target: object, _key: string | symbol, descriptor: TypedPropertyDescriptor<any>): void => {
    const method = descriptor.value;
    if (typeof method !== 'function') throw new TypeError('b24hooks: @OnB24Robot() decorates methods.');
    if (Reflect.getMetadata(B24_ROBOT_HANDLER, method) !== undefined) throw new TypeError('b24hooks: one @OnB24Robot() per method.');
    Reflect.defineMetadata(B24_ROBOT_HANDLER, target, method);
  };
}
