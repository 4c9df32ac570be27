/**
 * Real servers for the HTTP stress, fault and race tests: each adapter mounted plain (no body
 * parser before it; Nest with `bodyParser: false`, so its answers are the same as Express's and
 * Koa's) on `HOOK_PATH`, every method routed to it so a GET gets core's 405.
 */
import type { B24Event, Receiver } from '@b24hooks/core';
import { b24hooks as expressHooks } from '@b24hooks/express';
import { b24hooks as koaHooks } from '@b24hooks/koa';
import express5 from 'express';
import express4 from 'express4';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { createHookApp, NEST_MODES } from '../../packages/nestjs/test/support/hook-app.js';
import { NEST_MAJOR, NEST_VERSION } from '../../packages/nestjs/test/support/nest-version.js';
import { listenTracked, type TrackedServer } from './tracked-server.js';

export const HOOK_PATH = '/b24';

export interface HookServerTarget {
  name: string;
  /** Nest's guard: the app's route is the handler, so events reach `route` instead of `on()` handlers. */
  routeIsHandler: boolean;
  /** `route` is what the guarded route does with the event (ignored where the receiver dispatches). */
  start(receiver: Receiver, route: (event: B24Event) => void): Promise<TrackedServer>;
}

function expressTarget(name: string, express: typeof express5): HookServerTarget {
  return {
    name,
    routeIsHandler: false,
    start(receiver) {
      const app = express();
      app.use(HOOK_PATH, expressHooks(receiver));
      return listenTracked(app);
    },
  };
}

function koaTarget(name: string, Koa: typeof Koa3): HookServerTarget {
  return {
    name,
    routeIsHandler: false,
    start(receiver) {
      const app = new Koa();
      app.silent = true;
      const hook = koaHooks(receiver);
      app.use((ctx, next) => (ctx.path === HOOK_PATH ? hook(ctx, next) : next()));
      return listenTracked(app.callback());
    },
  };
}

const nestTargets: HookServerTarget[] = NEST_MODES.map((mode) => ({
  name: `Nest ${NEST_VERSION}, ${mode}`,
  routeIsHandler: mode === 'guard',
  async start(receiver, route) {
    const app = await createHookApp(mode, 'bodyParser: false', [{ path: HOOK_PATH, receiver, handle: route }]);
    const server = await listenTracked(app.getHttpAdapter().getInstance());
    return {
      ...server,
      async close() {
        await server.close();
        await app.close();
      },
    };
  },
}));

/**
 * Every adapter on this run's frameworks. Under vitest's nest11 project only the Nest targets
 * (Express and Koa already ran in the main project).
 */
export const HOOK_SERVER_TARGETS: readonly HookServerTarget[] =
  NEST_MAJOR === 11
    ? nestTargets
    : [expressTarget('Express 4', express4), expressTarget('Express 5', express5), koaTarget('Koa 2', Koa2), koaTarget('Koa 3', Koa3), ...nestTargets];

/** Express and Koa only, for the fault table and the install race. */
export const PLAIN_TARGETS: readonly HookServerTarget[] = HOOK_SERVER_TARGETS.filter((target) => !target.name.startsWith('Nest'));
