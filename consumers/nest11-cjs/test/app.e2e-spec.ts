import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { App } from 'supertest/types';
import { B24HookError } from '@b24hooks/core';
import { buildEventBody, FORM_CONTENT_TYPE } from '@b24hooks/testing';
import { AppModule } from './../src/app.module';
import { DealsService } from './../src/deals.service';

const token = 'consumer-nest-token';

describe('B24HooksModule (e2e)', () => {
  let app: INestApplication<App>;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication({ bodyParser: false });
    await app.init();
  });

  afterEach(() => app.close());

  it('/ (GET)', () => {
    return request(app.getHttpServer()).get('/').expect(200).expect('Hello World!');
  });

  it('a delivery posted to the module route reaches @OnB24Event()', async () => {
    const body = buildEventBody('ONCRMDEALUPDATE', { token, data: { FIELDS: { ID: 7 } } });
    await request(app.getHttpServer()).post('/b24').set('Content-Type', FORM_CONTENT_TYPE).send(body).expect(200, { ok: true });
    expect(app.get(DealsService).updated).toEqual([7]);
  });

  it('a forged token is refused with 401', async () => {
    const body = buildEventBody('ONCRMDEALUPDATE', { token: 'forged' });
    const answer = await request(app.getHttpServer()).post('/b24').set('Content-Type', FORM_CONTENT_TYPE).send(body).expect(401);
    expect(answer.body.error.code).toBe('TOKEN_MISMATCH');
  });

  it('B24EventGuard on an own route', async () => {
    const body = buildEventBody('ONTASKADD', { token });
    await request(app.getHttpServer()).post('/bitrix/tasks').set('Content-Type', FORM_CONTENT_TYPE).send(body).expect(200, { received: 'ONTASKADD' });
  });

  it('Jest loads the CommonJS builds', () => {
    expect(require.resolve('@b24hooks/nestjs')).toMatch(/dist[\\/]cjs[\\/]index\.js$/);
    expect(new B24HookError('TOKEN_MISMATCH', 'x')).toBeInstanceOf(Error);
  });
});
