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
  /**
   * `route` is what the app's own route does with the event where it is the handler (Nest's guard,
   * `respond: false`); elsewhere the receiver dispatches to its `on()` handlers.
   */
  start(receiver: Receiver, route: (event: B24Event) => void): Promise<TrackedServer>;
}

function expressTarget(name: string, express: typeof express5): HookServerTarget {
  return {
    name,
    start(receiver) {
      const app = express();
      app.use(HOOK_PATH, expressHooks(receiver));
      return listenTracked(app);
    },
  };
}

/**
 * `respond: false`: the app's route is the handler and answers; refusals reach Express's own
 * error handler (`next(err)`, the status set), robot calls are still answered by core.
 */
function expressRouteTarget(name: string, express: typeof express5): HookServerTarget {
  return {
    name: `${name}, respond: false`,
    start(receiver, route) {
      const app = express();
      app.use(HOOK_PATH, expressHooks(receiver, { respond: false }), (req, res) => {
        route(req.b24event!);
        res.json({ ok: true });
      });
      return listenTracked(app);
    },
  };
}

function koaRouteTarget(name: string, Koa: typeof Koa3): HookServerTarget {
  return {
    name: `${name}, respond: false`,
    start(receiver, route) {
      const app = new Koa();
      app.silent = true;
      const hook = koaHooks(receiver, { respond: false });
      app.use((ctx, next) =>
        ctx.path === HOOK_PATH
          ? hook(ctx, async () => {
              route(ctx.state.b24event!);
              ctx.body = { ok: true };
            })
          : next(),
      );
      return listenTracked(app.callback());
    },
  };
}

function koaTarget(name: string, Koa: typeof Koa3): HookServerTarget {
  return {
    name,
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

/** Express and Koa only, answering themselves, for the fault table and the install race. */
export const PLAIN_TARGETS: readonly HookServerTarget[] = HOOK_SERVER_TARGETS.filter((target) => !target.name.startsWith('Nest'));

/** The app answers (`respond: false`): the same statuses, the frameworks' own error bodies. */
export const ROUTE_TARGETS: readonly HookServerTarget[] =
  NEST_MAJOR === 11 ? [] : [expressRouteTarget('Express 4', express4), expressRouteTarget('Express 5', express5), koaRouteTarget('Koa 2', Koa2), koaRouteTarget('Koa 3', Koa3)];
