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
import { describe, expect, it } from 'vitest';
import { createReceiver } from '@b24hooks/core';
import { createRestFactory } from '@b24hooks/rest';
import { createFakePortal, FakePortalError } from '@b24hooks/testing';
import { listen } from './conformance/targets/types.js';
import { describeRobotScenarios, EVERY_TYPE, type RobotAppSetup } from './robots/scenario.js';

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

describe('Express 5: the reply when the portal pushes back', () => {
  it('an expired access token in the call: the client refreshes it with the app credentials and the reply still arrives', async () => {
    const portal = await createFakePortal({ rateLimit: false });
    const receiver = createReceiver({ token: portal.applicationToken, rest: createRestFactory({ app: portal.app, oauthServer: portal.oauthServer, retries: 0 }) });
    receiver.onRobot(EVERY_TYPE, () => ({ dealId: 1 }));
    const app = express5();
    app.post('/b24', expressHooks(receiver));
    const running = await listen(app);
    try {
      portal.expireTokens();
      const posted = await portal.postRobot(`${running.url}/b24`, EVERY_TYPE, { phone: 'x' });
      expect(posted.status).toBe(200);
      expect(portal.refreshes.map((refresh) => refresh.status)).toEqual([200]);
      expect(portal.bizproc.replyTo(posted.eventToken)?.returnValues).toEqual({ dealId: '1' });
    } finally {
      await running.close();
      await portal.close();
    }
  });

  it('bizproc.event.send refused by the portal: 500 HANDLER_FAILED and onError hears the B24RestError', async () => {
    const portal = await createFakePortal({ rateLimit: false });
    portal.method('bizproc.event.send', () => {
      throw new FakePortalError('ERROR_WRONG_WORKFLOW_ID', 'Workflow is not waiting');
    });
    const heard: unknown[] = [];
    const receiver = createReceiver({ token: portal.applicationToken, rest: createRestFactory({ app: portal.app, oauthServer: portal.oauthServer, retries: 0 }) }).onError(
      (error, _event, call) => void heard.push({ name: error.name, code: (error as { code?: string }).code, robot: call?.code }),
    );
    receiver.onRobot(EVERY_TYPE, () => ({ dealId: 1 }));
    const app = express5();
    app.post('/b24', expressHooks(receiver));
    const running = await listen(app);
    try {
      const posted = await portal.postRobot(`${running.url}/b24`, EVERY_TYPE, { phone: 'x' });
      expect(posted.status).toBe(500);
      expect(posted.body).toMatchObject({ error: { code: 'HANDLER_FAILED', message: expect.stringContaining('bizproc.event.send') } });
      expect(heard).toEqual([{ name: 'B24RestError', code: 'ERROR_WRONG_WORKFLOW_ID', robot: 'every_type' }]);
      expect(posted.text).not.toContain(posted.eventToken);
    } finally {
      await running.close();
      await portal.close();
    }
  });
});
