import { Catch, Controller, HttpCode, Inject, Injectable, Module, Post, UseFilters, UseGuards, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from '@b24hooks/core';
import { B24Event, B24EventGuard, B24HooksModule, OnB24Event } from '@b24hooks/nestjs';
import { FIXTURE_PORTAL, FIXTURE_TOKEN, buildEventBody } from '@b24hooks/testing';
import { FORM, GUARDED_PATH, GuardedLog, GuardedModule, quietLogger, startApp } from './support/apps.js';
import { NEST_VERSION } from './support/nest-version.js';

@Injectable()
class NotForTheGuard {
  readonly calls: string[] = [];
  @OnB24Event('ONCRMDEALUPDATE')
  handle(event: B24Event<'ONCRMDEALUPDATE'>): void {
    this.calls.push(event.name);
  }
}

/** A controller-level catch-all: it comes before global filters, and still after the guard's. */
@Catch()
class ControllerCatchAll implements ExceptionFilter {
  catch(_exception: unknown, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>().status(418).json({ teapot: true });
  }
}

@Controller('class-guarded')
@UseGuards(B24EventGuard)
@UseFilters(ControllerCatchAll)
class ClassGuardedController {
  @Post()
  @HttpCode(200)
  take(@B24Event() event: B24Event<'ONCRMDEALUPDATE'>): { id: number } {
    return { id: event.data.FIELDS.ID };
  }
}

@Controller('uninstall')
class UninstallController {
  @Post()
  @HttpCode(200)
  @UseGuards(B24EventGuard)
  take(@B24Event() event: B24Event<'ONAPPUNINSTALL'>): { ok: true } {
    if (event.data.LANGUAGE_ID === 'xx') throw new Error('cleanup failed');
    return { ok: true };
  }

  @Post('unguarded')
  unguarded(@B24Event() _event: B24Event): void {}
}

@Module({ controllers: [ClassGuardedController, UninstallController] })
class MoreRoutesModule {}

describe(`B24EventGuard and @B24Event() (Nest ${NEST_VERSION})`, () => {
  let app: INestApplication;
  const post = (path: string, body: string, type = FORM) => request(app.getHttpServer()).post(path).type(type).send(body);

  beforeAll(async () => {
    app = await startApp({ imports: [GuardedModule, MoreRoutesModule], providers: [NotForTheGuard] });
  });
  afterAll(() => app.close());

  it('hands the verified, typed event to the route, which is the handler: @OnB24Event() methods do not run', async () => {
    const response = await post(GUARDED_PATH, buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } }));
    expect([response.status, response.body]).toEqual([200, { ok: true }]);
    const [event] = app.get(GuardedLog).events.slice(-1);
    expect(event?.name).toBe('ONCRMDEALUPDATE');
    expect(event?.portal).toEqual(FIXTURE_PORTAL);
    expect(app.get(NotForTheGuard).calls).toEqual([]);
    expect((await post('/class-guarded', buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 7 } } }))).body).toEqual({ id: 7 });
  });

  it("answers refusals with core's status and body, past global and controller-level catch-all filters", async () => {
    const body = buildEventBody('ONCRMDEALUPDATE');
    const cases = [
      [post(GUARDED_PATH, buildEventBody('ONCRMDEALUPDATE', { token: 'f'.repeat(32) })), 401, 'TOKEN_MISMATCH'],
      [post('/class-guarded', buildEventBody('ONCRMDEALUPDATE', { auth: { application_token: null } })), 401, 'TOKEN_MISSING'],
      [post(GUARDED_PATH, body, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [post('/class-guarded', 'event=ONCRMDEALUPDATE'), 400, 'INVALID_EVENT'],
    ] as const;
    for (const [pending, status, code] of cases) {
      const response = await pending;
      expect([response.status, response.body.error?.code]).toEqual([status, code]);
      expect(Object.keys(response.body)).toEqual(['error']);
      expect(Object.keys(response.body.error)).toEqual(['code', 'message']);
    }
  });

  it('fails loudly (500) when @B24Event() is used on a route without the guard', async () => {
    const response = await post('/uninstall/unguarded', buildEventBody('ONCRMDEALUPDATE'));
    expect(response.status).toBe(500);
  });
});

describe('ONAPPUNINSTALL through the guard', () => {
  it("forgets the portal once the route handled it, and keeps it when the route failed", async () => {
    const store = createMemoryTokenStore({ [FIXTURE_PORTAL.memberId]: FIXTURE_TOKEN });
    const app = await startApp({
      hooks: B24HooksModule.forRoot({ tokenStore: store, logger: quietLogger() }),
      imports: [MoreRoutesModule],
    });
    const post = (body: string) => request(app.getHttpServer()).post('/uninstall').type(FORM).send(body);
    try {
      expect((await post(buildEventBody('ONAPPUNINSTALL', { data: { LANGUAGE_ID: 'xx' } }))).status).toBe(500);
      expect(await store.get(FIXTURE_PORTAL.memberId)).toBe(FIXTURE_TOKEN);
      const done = await post(buildEventBody('ONAPPUNINSTALL'));
      expect([done.status, done.body]).toEqual([200, { ok: true }]);
      expect(await store.get(FIXTURE_PORTAL.memberId)).toBeUndefined();
      expect((await post(buildEventBody('ONAPPUNINSTALL'))).body.error.code).toBe('UNKNOWN_PORTAL');
    } finally {
      await app.close();
    }
  });
});
