import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  Scope,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B24HooksModule, OnB24Event, type B24Event, type B24EventsMatching } from '@b24hooks/nestjs';
import { FIXTURE_TOKEN, buildEventBody } from '@b24hooks/testing';
import { FORM, HOOK_PATH, quietLogger, startApp } from './support/apps.js';
import { NEST_VERSION } from './support/nest-version.js';

@Injectable()
class CallLog {
  readonly calls: string[] = [];
}

@Injectable()
class DealHandlers {
  // No @Inject: resolved from emitDecoratorMetadata, which the test tsconfig must enable.
  constructor(private readonly log: CallLog) {}

  @OnB24Event('ONCRMDEALUPDATE')
  updated(event: B24Event<'ONCRMDEALUPDATE'>): void {
    this.log.calls.push(`updated:${event.data.FIELDS.ID}`);
  }

  @OnB24Event(['ONCRMDEALADD', 'ONCRMDEALUPDATE'])
  addedOrUpdated(event: B24Event<'ONCRMDEALADD' | 'ONCRMDEALUPDATE'>): void {
    this.log.calls.push(`add-or-update:${event.name}`);
  }

  @OnB24Event('ONTASKADD')
  @OnB24Event('ONTASKUPDATE')
  async task(event: B24Event<'ONTASKADD' | 'ONTASKUPDATE'>): Promise<void> {
    await Promise.resolve();
    this.log.calls.push(`task:${event.name}`);
  }
}

@Injectable()
class CrmAudit {
  constructor(@Inject(CallLog) private readonly log: CallLog) {}

  @OnB24Event('ONCRM*')
  any(event: B24Event<B24EventsMatching<'ONCRM*'>>): void {
    this.log.calls.push(`crm*:${event.name}`);
  }

  @OnB24Event('ONCRMCONTACT*')
  failing(): never {
    throw new Error('audit store down');
  }
}

@Module({ providers: [CallLog, CrmAudit, { provide: 'AUDIT_ALIAS', useExisting: CrmAudit }], exports: [CallLog] })
class AuditModule {}

const IS_PUBLIC = 'isPublic';
const Public = () => SetMetadata(IS_PUBLIC, true);

/** An app-wide auth guard, as many Nest apps have: everything needs a header unless @Public(). */
@Injectable()
class ApiKeyGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-api-key'] === 'secret';
  }
}

describe(`module route with @OnB24Event() discovery (Nest ${NEST_VERSION})`, () => {
  let app: INestApplication;
  let log: CallLog;
  const post = (body: string, path = HOOK_PATH) => request(app.getHttpServer()).post(path).type(FORM).send(body);

  beforeAll(async () => {
    app = await startApp({ imports: [AuditModule], providers: [DealHandlers] });
    log = app.get(CallLog);
  });
  afterAll(() => app.close());

  it('dispatches to every matching method of every provider, by name, list, stacked decorators and PREFIX*', async () => {
    log.calls.length = 0;
    const response = await post(buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } }));
    expect([response.status, response.body]).toEqual([200, { ok: true }]);
    expect(log.calls.sort()).toEqual(['add-or-update:ONCRMDEALUPDATE', 'crm*:ONCRMDEALUPDATE', 'updated:662']);

    log.calls.length = 0;
    expect((await post(buildEventBody('ONTASKUPDATE'))).status).toBe(200);
    expect((await post(buildEventBody('ONTASKADD'))).status).toBe(200);
    expect(log.calls).toEqual(['task:ONTASKUPDATE', 'task:ONTASKADD']);

    log.calls.length = 0;
    expect((await post(buildEventBody('ONUSERADD'))).body).toEqual({ ok: true });
    expect(log.calls).toEqual([]);
  });

  it('answers a failing handler with HANDLER_FAILED 500 and refusals with core status and body, past a reshaping catch-all filter', async () => {
    const failed = await post(buildEventBody('ONCRMCONTACTADD'));
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('HANDLER_FAILED');
    expect(log.calls).toContain('crm*:ONCRMCONTACTADD');

    const forged = await post(buildEventBody('ONCRMDEALUPDATE', { token: 'f'.repeat(32) }));
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({ error: { code: 'TOKEN_MISMATCH', message: expect.stringContaining('does not match') } });
    expect(forged.headers['content-type']).toMatch(/^application\/json/);
  });

  it("answers other methods with core's 405, not Nest's 404", async () => {
    const response = await request(app.getHttpServer()).get(HOOK_PATH);
    expect(response.status).toBe(405);
    expect(response.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('module route beside a global auth guard', () => {
  @Controller()
  class ApiController {
    @Get('/api')
    api(): string {
      return 'private';
    }
  }

  it('is refused by the global guard unless the route carries the app\'s Public() through `decorators`', async () => {
    const hooks = { token: FIXTURE_TOKEN, path: HOOK_PATH, logger: quietLogger() };
    const guarded = { provide: APP_GUARD, useClass: ApiKeyGuard } as never;
    for (const [decorators, status] of [[undefined, 403], [[Public()], 200]] as const) {
      const app = await startApp({ hooks: B24HooksModule.forRoot({ ...hooks, ...(decorators ? { decorators } : {}) }), providers: [guarded], controllers: [ApiController] });
      const server = app.getHttpServer();
      expect((await request(server).post(HOOK_PATH).type(FORM).send(buildEventBody('ONCRMDEALUPDATE'))).status).toBe(status);
      expect((await request(server).get('/api')).status).toBe(403);
      await app.close();
    }
  });
});

describe('discovery refuses what it cannot serve', () => {
  @Injectable({ scope: Scope.REQUEST })
  class PerRequest {
    @OnB24Event('ONCRMDEALUPDATE')
    handle(): void {}
  }

  it('a request-scoped provider with @OnB24Event() fails the bootstrap with a clear message', async () => {
    await expect(startApp({ providers: [PerRequest] })).rejects.toThrow(/PerRequest\.handle needs a singleton provider/);
  });
});
