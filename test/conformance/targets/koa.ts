import { bodyParser } from '@koa/bodyparser';
import { b24hooks } from '@b24hooks/koa';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { hookPath, RECEIVER_SETUPS } from '../cases.js';
import { listen, type ConformanceTarget } from './types.js';

type KoaClass = typeof Koa3;

function koaTarget(name: string, Koa: KoaClass, withBodyParser = false): ConformanceTarget {
  return {
    name,
    ...(withBodyParser ? { parser: 'koa-bodyparser' as const } : {}),
    async start(receivers) {
      const app = new Koa();
      app.silent = true;
      if (withBodyParser) app.use(bodyParser());
      const hooks = new Map(RECEIVER_SETUPS.map((setup) => [hookPath(setup), b24hooks(receivers[setup].receiver)]));
      // Mounted for every method, as a router's .all() would: a GET must reach b24hooks to get its 405.
      app.use((ctx, next) => {
        const hook = hooks.get(ctx.path);
        return hook ? hook(ctx, next) : next();
      });
      return listen(app.callback());
    },
  };
}

export const KOA_TARGETS: readonly ConformanceTarget[] = [koaTarget('Koa 2', Koa2), koaTarget('Koa 3', Koa3)];

export const KOA_PARSER_TARGETS: readonly ConformanceTarget[] = [
  koaTarget('Koa 2 + @koa/bodyparser', Koa2, true),
  koaTarget('Koa 3 + @koa/bodyparser', Koa3, true),
];
