import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { FIXTURE_TOKEN, buildEventBody } from '@b24hooks/testing';

const FORM = 'application/x-www-form-urlencoded';

describe('examples/nest-app', () => {
  let app: INestApplication;
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    process.env.B24_APP_TOKEN = `older-token,${FIXTURE_TOKEN}`;
    process.env.API_KEY = 'k3y';
    const { AppModule } = await import('../src/app.module.js');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    await app.init();
  });
  afterAll(() => app?.close());

  it('mirrors deal changes posted to /b24, past the API-key guard, and lists them behind it', async () => {
    const posted = await request(server()).post('/b24').type(FORM).send(buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } }));
    expect([posted.status, posted.body]).toEqual([200, { ok: true }]);
    await request(server()).post('/b24').type(FORM).send(buildEventBody('ONCRMDEALADD', { data: { FIELDS: { ID: 663 } } }));
    expect((await request(server()).get('/deals/changes')).status).toBe(403);
    const list = await request(server()).get('/deals/changes').set('x-api-key', 'k3y');
    expect(list.body.map(({ id, change }: { id: number; change: string }) => [id, change])).toEqual([[663, 'added'], [662, 'updated']]);
  });

  it('takes bot messages on its own guarded route, keeping the bot ids', async () => {
    const body = buildEventBody('ONIMBOTMESSAGEADD', { data: { PARAMS: { MESSAGE: 'Where is my order #1042?' } } });
    const posted = await request(server()).post('/bot').type(FORM).send(body);
    expect([posted.status, posted.body]).toEqual([200, { ok: true }]);
    const { BotInbox } = await import('../src/bot.js');
    expect(app.get(BotInbox).messages.at(-1)).toMatchObject({ botIds: ['567'], text: 'Where is my order #1042?' });
  });

  it('refuses forged deliveries on both routes with 401 TOKEN_MISMATCH', async () => {
    for (const path of ['/b24', '/bot']) {
      const response = await request(server()).post(path).type(FORM).send(buildEventBody('ONIMBOTMESSAGEADD', { token: 'f'.repeat(32) }));
      expect([response.status, response.body.error?.code]).toEqual([401, 'TOKEN_MISMATCH']);
    }
  });
});
