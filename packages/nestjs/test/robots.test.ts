/**
 * Robot calls over real HTTP through Nest (the module route, and B24EventGuard on an app route),
 * with `@OnB24Robot()` methods discovered on a provider, against the fake portal. The scenarios
 * are those Express and Koa run (test/robots/scenario.ts).
 */
import { All, Controller, HttpCode, Inject, Injectable, Module, Scope, UseGuards, type DynamicModule } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { createReceiver, type B24RobotCall } from '@b24hooks/core';
import { createRestFactory } from '@b24hooks/rest';
import { createFakePortal } from '@b24hooks/testing';
import { B24Event, B24EventGuard, B24HooksModule, OnB24Robot } from '@b24hooks/nestjs';
import { listen } from '../../../test/conformance/targets/types.js';
import { describeRobotScenarios, EVERY_TYPE, FAILING, type RobotHandlerEntry } from '../../../test/robots/scenario.js';
import { BODY_SETUPS, ReshapingCatchAllFilter, type BodySetup } from './support/apps.js';

const HANDLERS = Symbol('robot handlers');

@Injectable()
class RobotHandlers {
  constructor(@Inject(HANDLERS) private readonly handlers: readonly RobotHandlerEntry[]) {}

  private run(code: string, call: B24RobotCall<any>) {
    return this.handlers.find(([definition]) => definition.code === code)![1](call);
  }

  @OnB24Robot(EVERY_TYPE)
  everyType(call: B24RobotCall<any>) {
    return this.run(EVERY_TYPE.code, call) as { dealId: number };
  }

  @OnB24Robot(FAILING)
  fails(call: B24RobotCall<any>) {
    this.run(FAILING.code, call);
  }
}

@Controller()
class GuardedRoute {
  @All('/b24')
  @HttpCode(200)
  @UseGuards(B24EventGuard)
  take(@B24Event() _event: B24Event): { route: string } {
    return { route: 'events only' };
  }
}

async function startNest(mode: 'module route' | 'guard', setup: BodySetup, receiver: ReturnType<typeof createReceiver>, robots: readonly RobotHandlerEntry[]) {
  const hooks: DynamicModule = B24HooksModule.forRoot({ receiver, ...(mode === 'module route' ? { path: '/b24' } : {}) });
  @Module({
    imports: [hooks],
    providers: [RobotHandlers, { provide: HANDLERS, useValue: robots }],
    controllers: mode === 'guard' ? [GuardedRoute] : [],
  })
  class RobotApp {}
  const app = await NestFactory.create(RobotApp, { logger: false, ...BODY_SETUPS[setup] });
  app.useGlobalFilters(new ReshapingCatchAllFilter(app.get(HttpAdapterHost)));
  await app.init();
  const running = await listen(app.getHttpAdapter().getInstance());
  return {
    url: `${running.url}/b24`,
    async close() {
      await running.close();
      await app.close();
    },
  };
}

for (const mode of ['module route', 'guard'] as const) {
  for (const setup of ['default body parser', 'bodyParser: false'] as const) {
    describeRobotScenarios(`Nest, ${mode}, ${setup}`, ({ receiver, robots }) => startNest(mode, setup, receiver, robots));
  }
}

describe('B24HooksModule.forRoot({ token, rest, path })', () => {
  it('builds the receiver with rest, so discovered robots answer the fake portal', async () => {
    const portal = await createFakePortal({ rateLimit: false });
    @Module({
      imports: [B24HooksModule.forRoot({ token: portal.applicationToken, rest: createRestFactory({ app: portal.app, oauthServer: portal.oauthServer }), path: '/b24' })],
      providers: [RobotHandlers, { provide: HANDLERS, useValue: [[EVERY_TYPE, () => ({ dealId: 3 })]] }],
    })
    class OptionsApp {}
    const app = await NestFactory.create(OptionsApp, { logger: false, bodyParser: false });
    await app.init();
    const running = await listen(app.getHttpAdapter().getInstance());
    try {
      const posted = await portal.postRobot(`${running.url}/b24`, EVERY_TYPE, { phone: '1' });
      expect(posted.status).toBe(200);
      expect(portal.bizproc.replyTo(posted.eventToken)?.returnValues).toEqual({ dealId: '3' });
    } finally {
      await running.close();
      await app.close();
      await portal.close();
    }
  });
});

describe('@OnB24Robot on a request-scoped provider', () => {
  @Injectable({ scope: Scope.REQUEST })
  class PerRequestRobot {
    @OnB24Robot('per_request')
    answer(): void {}
  }

  it('fails the bootstrap with a message naming the method', async () => {
    @Module({ imports: [B24HooksModule.forRoot({ token: 't', rest: () => ({ call: async () => true }), path: '/b24' })], providers: [PerRequestRobot] })
    class ScopedApp {}
    const app = await NestFactory.create(ScopedApp, { logger: false });
    await expect(app.init()).rejects.toThrow(/@OnB24Robot\(\) on PerRequestRobot\.answer needs a singleton provider/);
    await app.close();
  });
});

describe('@OnB24Robot without rest', () => {
  it('fails at bootstrap with the TypeError onRobot gives', async () => {
    const receiver = createReceiver({ token: 'no-rest-here' });
    await expect(startNest('module route', 'bodyParser: false', receiver, [])).rejects.toThrow(/createReceiver\(\{ rest \}\)/);
  });
});
