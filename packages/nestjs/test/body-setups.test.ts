import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, encodeForm } from '@b24hooks/core';
import { B24HooksModule } from '@b24hooks/nestjs';
import { FIXTURE_TOKEN, buildEventBody, buildEventForm } from '@b24hooks/testing';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BODY_SETUP_NAMES, FORM, GUARDED_PATH, GuardedLog, GuardedModule, HOOK_PATH, quietLogger, startApp } from './support/apps.js';
import { NEST_MAJOR, NEST_VERSION } from './support/nest-version.js';

const reference = createReceiver({ token: FIXTURE_TOKEN });

// Bot ids below qs's array limit: the case where an `extended` body parser turns the map into a list.
const botForm = buildEventForm('ONIMBOTMESSAGEADD');
const botBody = encodeForm({ ...botForm, data: { ...(botForm.data as object), BOT: { '5': { BOT_ID: '5' }, '17': { BOT_ID: '17' } } } });
const padded = `${buildEventBody('ONCRMDEALUPDATE')}&pad=${'x'.repeat(150 * 1024)}`;

describe.each(BODY_SETUP_NAMES)(`%s (Nest ${NEST_VERSION})`, (setup) => {
  let app: INestApplication;
  let logger: ReturnType<typeof quietLogger>;
  const parserOn = setup !== 'bodyParser: false';
  const exact = setup !== 'default body parser';

  beforeAll(async () => {
    logger = quietLogger();
    app = await startApp({ setup, hooks: B24HooksModule.forRoot({ token: FIXTURE_TOKEN, path: HOOK_PATH, logger }), imports: [GuardedModule] });
  });
  afterAll(() => app.close());

  const post = (path: string, body: string, type = FORM) => request(app.getHttpServer()).post(path).type(type).send(body);

  it.each([HOOK_PATH, GUARDED_PATH])('%s: the same answer and event as receiver.handle, for form and JSON bodies', async (path) => {
    const form = buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } });
    const json = JSON.stringify(buildEventForm('ONTASKADD'));
    for (const [body, type] of [[form, FORM], [json, 'application/json']] as const) {
      const expected = await reference.handle({ method: 'POST', contentType: type, body });
      const response = await post(path, body, type);
      expect([response.status, response.body]).toEqual([expected.status, expected.body]);
      if (path === GUARDED_PATH) expect(JSON.stringify(app.get(GuardedLog).events.at(-1)?.raw)).toBe(JSON.stringify(expected.event?.raw));
    }
  });

  it(`keeps data[BOT][<id>] keys ${exact ? 'exactly' : "only as far as Nest's extended parser does (it makes a list of small ids)"}`, async () => {
    const response = await post(GUARDED_PATH, botBody);
    expect(response.status).toBe(200);
    const bots = (app.get(GuardedLog).events.at(-1)?.raw.data as { BOT: unknown }).BOT;
    expect(bots).toEqual(exact ? { '5': { BOT_ID: '5' }, '17': { BOT_ID: '17' } } : [{ BOT_ID: '5' }, { BOT_ID: '17' }]);
  });

  it(`warns ${exact ? 'never' : 'once'} that a body parser ran first`, async () => {
    await post(HOOK_PATH, buildEventBody('ONCRMDEALUPDATE'));
    await post(GUARDED_PATH, buildEventBody('ONCRMDEALUPDATE'));
    const warnings = logger.warnings.filter((line) => line.includes('body parser'));
    expect(warnings).toHaveLength(exact ? 0 : 1);
    if (!exact) expect(warnings[0]).toContain("Nest's global body parser; create the app with { rawBody: true } or { bodyParser: false }");
  });

  it(`a 150 kB body: ${parserOn ? "refused by Nest's parser (its 100 kB limit) before b24hooks runs" : 'read by b24hooks under its own 1 MiB limit'}`, async () => {
    for (const path of [HOOK_PATH, GUARDED_PATH]) {
      const response = await post(path, padded);
      // Nest 12 maps the parser's error to a 413 HttpException; Nest 11 hands the raw error to the
      // app's filters, and this catch-all (like Nest's docs') answers 500 for non-HttpExceptions.
      if (parserOn) expect([response.status, response.body]).toEqual([NEST_MAJOR >= 12 ? 413 : 500, { statusCode: response.status, reshaped: true }]);
      else expect([response.status, response.body]).toEqual([200, { ok: true }]);
    }
  });

  it(`malformed JSON: ${parserOn ? "refused by Nest's parser (400) in its own words" : "core's MALFORMED_BODY"}`, async () => {
    const response = await post(GUARDED_PATH, '{"event":', 'application/json');
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe(parserOn ? undefined : 'MALFORMED_BODY');
  });
});

describe("raising the limits of Nest's parser, as docs/nestjs.md shows", () => {
  it('lets a 150 kB body and 1,500 parameters through to b24hooks', async () => {
    const app = await startApp({
      setup: 'rawBody: true',
      imports: [GuardedModule],
      configure: (nest) => void (nest as NestExpressApplication).useBodyParser('urlencoded', { limit: '1mb', parameterLimit: 2000, extended: true }),
    });
    try {
      const many = buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`UF_CRM_${i}`, String(i)])) } });
      for (const body of [padded, many]) {
        const response = await request(app.getHttpServer()).post(GUARDED_PATH).type(FORM).send(body);
        expect([response.status, response.body]).toEqual([200, { ok: true }]);
      }
    } finally {
      await app.close();
    }
  });
});
