import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { createReceiver } from '@b24hooks/core';
import { B24_RECEIVER } from './constants.js';
import { createB24Controller } from './controller.js';
import { B24HandlerExplorer } from './discovery/explorer.js';
import { bindGuardedRoutes } from './discovery/guarded-routes.js';
import {
  B24_HOOKS_OPTIONS,
  B24HooksConfigurableModule,
  type B24HooksExtras,
  type B24HooksModuleAsyncOptions,
  type B24HooksModuleOptions,
  type B24HooksOptions,
} from './module-definition.js';

const GUARDED_ROUTES = Symbol('b24hooks:guarded-routes');

const providers: Provider[] = [
  {
    provide: B24_RECEIVER,
    inject: [B24_HOOKS_OPTIONS],
    useFactory: (options: B24HooksOptions) =>
      'receiver' in options ? options.receiver : createReceiver({ ...options, logger: options.logger ?? new Logger('B24Hooks') }),
  },
  // A factory, so the binding happens while providers are created: before Nest builds the routes.
  { provide: GUARDED_ROUTES, inject: [DiscoveryService, MetadataScanner], useFactory: bindGuardedRoutes },
  B24HandlerExplorer,
];

function complete(definition: DynamicModule, { path, decorators, isGlobal }: B24HooksExtras): DynamicModule {
  return {
    ...definition,
    global: isGlobal ?? true,
    imports: [...(definition.imports ?? []), DiscoveryModule],
    providers: [...(definition.providers ?? []), ...providers],
    controllers: path === undefined ? [] : [createB24Controller(path, decorators)],
    exports: [B24_RECEIVER],
  };
}

/**
 * `B24HooksModule.forRoot({ token, path: '/b24' })`: a receiver (injectable as `B24_RECEIVER`), and
 * with `path` a route that dispatches to `@OnB24Event()` methods. Without `path`, guard your own
 * route with `B24EventGuard`. `forRootAsync({ path, imports, inject, useFactory })` takes the
 * receiver options from a factory; `path`, `decorators` and `isGlobal` stay static.
 */
@Module({})
export class B24HooksModule extends B24HooksConfigurableModule {
  static override forRoot(options: B24HooksModuleOptions): DynamicModule {
    return complete(super.forRoot(options), options);
  }

  static override forRootAsync(options: B24HooksModuleAsyncOptions): DynamicModule {
    return complete(super.forRootAsync(options), options);
  }
}
