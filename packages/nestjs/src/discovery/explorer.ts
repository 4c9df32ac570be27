import type {} from 'reflect-metadata';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { B24Event, B24RobotDefinition, Receiver } from '@b24hooks/core';
import { B24_EVENT_HANDLER, B24_RECEIVER, B24_ROBOT_HANDLER } from '../constants.js';

type Methods = Record<string, (event: B24Event) => unknown>;
type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** Registers every `@OnB24Event()` method of every provider on the module's receiver, at bootstrap. */
@Injectable()
export class B24HandlerExplorer implements OnModuleInit {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(B24_RECEIVER) private readonly receiver: Receiver,
  ) {}

  onModuleInit(): void {
    // An instance reachable under several tokens (useExisting) is registered once.
    const done = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.isDependencyTreeStatic()) {
        this.refuseScoped(wrapper);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (instance === null || typeof instance !== 'object' || done.has(instance)) continue;
      done.add(instance);
      for (const [name, patterns] of this.handlersOf(Object.getPrototypeOf(instance))) {
        this.receiver.on(patterns, (event) => (instance as Methods)[name]!(event));
      }
      for (const [name, robot] of this.robotsOf(Object.getPrototypeOf(instance))) {
        this.receiver.onRobot(robot as string, (call) => (instance as Methods)[name]!(call as never) as never);
      }
    }
  }

  private *handlersOf(prototype: object | null): Generator<[string, string[]]> {
    if (prototype === null) return;
    for (const name of this.scanner.getAllMethodNames(prototype)) {
      const method = (prototype as Methods)[name];
      const patterns = method && (Reflect.getMetadata(B24_EVENT_HANDLER, method) as string[] | undefined);
      if (patterns) yield [name, patterns];
    }
  }

  private *robotsOf(prototype: object | null): Generator<[string, B24RobotDefinition | string]> {
    if (prototype === null) return;
    for (const name of this.scanner.getAllMethodNames(prototype)) {
      const method = (prototype as Methods)[name];
      const robot = method && (Reflect.getMetadata(B24_ROBOT_HANDLER, method) as B24RobotDefinition | string | undefined);
      if (robot !== undefined) yield [name, robot];
    }
  }

  private refuseScoped(wrapper: InstanceWrapper): void {
    const prototype = (wrapper.metatype as { prototype?: object } | null | undefined)?.prototype;
    for (const [name] of this.handlersOf(prototype ?? null)) {
      throw new Error(`b24hooks: @OnB24Event() on ${String(wrapper.name)}.${name} needs a singleton provider, not a request-scoped or transient one.`);
    }
    for (const [name] of this.robotsOf(prototype ?? null)) {
      throw new Error(`b24hooks: @OnB24Robot() on ${String(wrapper.name)}.${name} needs a singleton provider, not a request-scoped or transient one.`);
    }
  }
}
