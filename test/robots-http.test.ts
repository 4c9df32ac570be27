/**
 * Robot calls over real HTTP through Express 4 and 5 and Koa 2 and 3, against the fake portal:
 * see robots/scenario.ts. Nest runs the same scenarios in packages/nestjs/test/robots.test.ts.
 */
import { b24hooks as expressHooks, type B24HookError } from '@b24hooks/express';
import { b24hooks as koaHooks } from '@b24hooks/koa';
import express5 from 'express';
import express4 from 'express4';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { listen } from './conformance/targets/types.js';
import { describeRobotScenarios, type RobotAppSetup } from './robots/scenario.js';

function register({ receiver, robots }: RobotAppSetup) {
  for (const [definition, handler] of robots) receiver.onRobot(definition, handler as never);
  return receiver;
}

for (const [name, express] of [['Express 4', express4], ['Express 5', express5]] as const) {
  for (const respond of [true, false]) {
    describeRobotScenarios(`${name}${respond ? '' : ', respond: false'}`, async (setup) => {
      const app = (express as typeof express5)();
      app.post('/b24', expressHooks(register(setup), { respond }), (_req, res) => void res.json({ route: 'events only' }));
      // With respond: false refusals reach the app's error handler, which answers with core's body.
      app.use((error: B24HookError, _req: unknown, res: { status(code: number): { json(body: unknown): void } }, _next: unknown) => {
        res.status(error.status).json(error.toErrorBody());
      });
      const running = await listen(app);
      return { url: `${running.url}/b24`, close: running.close };
    });
  }
}

for (const [name, Koa] of [['Koa 2', Koa2], ['Koa 3', Koa3]] as const) {
  for (const respond of [true, false]) {
    describeRobotScenarios(`${name}${respond ? '' : ', respond: false'}`, async (setup) => {
      const app = new (Koa as typeof Koa3)();
      app.silent = true;
      // With respond: false refusals are thrown to the app, which answers with core's body.
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch (error) {
          ctx.status = (error as B24HookError).status;
          ctx.body = (error as B24HookError).toErrorBody();
        }
      });
      const hook = koaHooks(register(setup), { respond });
      app.use((ctx, next) => (ctx.path === '/b24' ? hook(ctx, () => ((ctx.body = { route: 'events only' }), next())) : next()));
      const running = await listen(app.callback());
      return { url: `${running.url}/b24`, close: running.close };
    });
  }
}
