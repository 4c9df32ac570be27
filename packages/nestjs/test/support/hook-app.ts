import { All, Controller, HttpCode, Module, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { Receiver } from '@b24hooks/core';
import { B24Event, B24EventGuard, B24HooksModule } from '@b24hooks/nestjs';
import { BODY_SETUPS, ReshapingCatchAllFilter, type BodySetup } from './apps.js';

/** The two ways to receive with @b24hooks/nestjs. */
export const NEST_MODES = ['module route', 'guard'] as const;
export type NestMode = (typeof NEST_MODES)[number];

export interface HookRoute {
  path: string;
  receiver: Receiver;
  /** What the guarded route does with the event (the module route dispatches to the receiver's handlers instead). */
  handle(event: B24Event): void;
}

/** A module of its own per route, so each route gets its own receiver (`isGlobal: false`). */
function routeModule(mode: NestMode, route: HookRoute): DynamicModule {
  const hooks = B24HooksModule.forRoot({ receiver: route.receiver, isGlobal: false, ...(mode === 'module route' ? { path: route.path } : {}) });
  if (mode === 'module route') return hooks;

  // @All, as a GET must reach the guard to get core's 405 (an app would use @Post).
  @Controller()
  class GuardedRoute {
    @All(route.path)
    @HttpCode(200)
    @UseGuards(B24EventGuard)
    take(@B24Event() event: B24Event): { ok: true } {
      route.handle(event);
      return { ok: true };
    }
  }

  @Module({})
  class GuardedRouteModule {}
  return { module: GuardedRouteModule, imports: [hooks], controllers: [GuardedRoute] };
}

/** A real Nest app (NestFactory) serving the routes, with a reshaping global catch-all filter; not listening. */
export async function createHookApp(
  mode: NestMode,
  setup: BodySetup,
  routes: readonly HookRoute[],
  /** Runs before `init()`, e.g. to mount a middleware in front of every route. */
  prepare?: (app: INestApplication) => void,
): Promise<INestApplication> {
  @Module({ imports: routes.map((route) => routeModule(mode, route)) })
  class HookApp {}

  const app = await NestFactory.create(HookApp, { logger: false, ...BODY_SETUPS[setup] });
  app.useGlobalFilters(new ReshapingCatchAllFilter(app.get(HttpAdapterHost)));
  prepare?.(app);
  await app.init();
  return app;
}
