import { createMemoryTokenStore, createReceiver, type B24Event, type B24Logger, type Receiver } from '@b24hooks/core';
import { b24hooks, isB24HookError } from '@b24hooks/express';
import { buildEventBody, FIXTURE_PORTAL, FIXTURE_TOKEN } from '@b24hooks/testing';
import express5, { type ErrorRequestHandler } from 'express';
import express4 from 'express4';
import supertest from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';

const FORM = 'application/x-www-form-urlencoded';
const dealUpdate = buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } });
/** Bot id 5: qs (extended: true) would turn it into a list and lose the id. */
const botMessage = buildEventBody('ONIMBOTMESSAGEADD', { data: { BOT: { 5: { BOT_ID: 5 }, 567: null } } as never });

function quietReceiver(options: Partial<Parameters<typeof createReceiver>[0]> = {}): { receiver: Receiver; warnings: string[] } {
  const warnings: string[] = [];
  const logger: B24Logger = { warn: (message) => void warnings.push(message), error: (message) => void warnings.push(message) };
  return { receiver: createReceiver({ token: FIXTURE_TOKEN, logger, ...options }), warnings };
}

/** The error handler an app writes for respond: false: it sees the B24HookError and its status. */
const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status(err.status ?? 500).json({ seenByApp: isB24HookError(err), code: err.code, status: err.status });
};

describe.each([
  ['Express 4', express4],
  ['Express 5', express5],
] as const)('%s', (_name, express) => {
  it('answers a delivery itself by default and runs the on() handlers', async () => {
    const { receiver } = quietReceiver();
    const seen: string[] = [];
    receiver.on('ONCRMDEALUPDATE', (event) => void seen.push(`${event.name} ${event.data.FIELDS.ID}`));
    const app = express();
    app.post('/b24', b24hooks(receiver));
    const response = await supertest(app).post('/b24').type('form').send(dealUpdate);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(seen).toEqual(['ONCRMDEALUPDATE 662']);
  });

  it('answers a refusal with the status and JSON body of core', async () => {
    const { receiver } = quietReceiver();
    const app = express();
    app.post('/b24', b24hooks(receiver));
    const response = await supertest(app).post('/b24').type('form').send(buildEventBody('ONCRMDEALUPDATE', { token: 'forged' }));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'TOKEN_MISMATCH', message: expect.stringContaining('does not match') } });
    expect(JSON.stringify(response.body)).not.toContain('forged');
  });

  describe('respond: false', () => {
    it('sets req.b24event, calls next() and runs no on() handler: the route is the handler', async () => {
      const { receiver } = quietReceiver();
      let handlerRan = false;
      receiver.onAny(() => void (handlerRan = true));
      const app = express();
      app.post('/b24', b24hooks(receiver, { respond: false }), (req, res) => {
        expectTypeOf(req.b24event).toEqualTypeOf<B24Event | undefined>();
        const event = req.b24event!;
        res.json({ name: event.name, id: (event as B24Event<'ONCRMDEALUPDATE'>).data.FIELDS.ID });
      });
      const response = await supertest(app).post('/b24').type('form').send(dealUpdate);
      expect(response.body).toEqual({ name: 'ONCRMDEALUPDATE', id: 662 });
      expect(handlerRan).toBe(false);
    });

    it('calls next(err) with the B24HookError, whose status an error handler reads', async () => {
      const { receiver } = quietReceiver();
      const app = express();
      app.post('/b24', b24hooks(receiver, { respond: false }), (_req, res) => void res.json({ reached: true }));
      app.use(errorHandler);
      const forged = await supertest(app).post('/b24').type('form').send(buildEventBody('ONCRMDEALUPDATE', { token: 'forged' }));
      expect(forged.status).toBe(401);
      expect(forged.body).toEqual({ seenByApp: true, code: 'TOKEN_MISMATCH', status: 401 });
      const get = await supertest(app).get('/b24');
      expect(get.status).toBe(404); // app.post: a GET never reaches b24hooks
    });

    it("leaves the answer to Express's default error handler when the app has none", async () => {
      const { receiver } = quietReceiver();
      const app = express();
      app.use('/b24', b24hooks(receiver, { respond: false }));
      const response = await supertest(app).get('/b24');
      expect(response.status).toBe(405);
      expect(response.text).toContain('accepts only POST');
    });

    it('forgets an uninstalled portal once the app answered 2xx, and not after a failure', async () => {
      const tokenStore = createMemoryTokenStore({ [FIXTURE_PORTAL.memberId]: FIXTURE_TOKEN });
      const { receiver } = quietReceiver({ token: undefined, tokenStore });
      let fail = true;
      const app = express();
      app.post('/b24', b24hooks(receiver, { respond: false }), (_req, res) => void res.status(fail ? 503 : 200).end());
      const uninstall = buildEventBody('ONAPPUNINSTALL');
      expect((await supertest(app).post('/b24').type('form').send(uninstall)).status).toBe(503);
      expect(await tokenStore.get(FIXTURE_PORTAL.memberId)).toBe(FIXTURE_TOKEN);
      fail = false;
      expect((await supertest(app).post('/b24').type('form').send(uninstall)).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(await tokenStore.get(FIXTURE_PORTAL.memberId)).toBeUndefined();
    });
  });

  describe('a body parser mounted first', () => {
    it('works from express.urlencoded() and warns once that the parser ran first', async () => {
      const { receiver, warnings } = quietReceiver();
      const app = express();
      app.use(express.urlencoded({ extended: false }));
      app.post('/b24', b24hooks(receiver));
      for (let i = 0; i < 2; i++) {
        const response = await supertest(app).post('/b24').type('form').send(dealUpdate);
        expect(response.status).toBe(200);
      }
      const parserWarnings = warnings.filter((message) => message.includes('a body parser read the request before b24hooks'));
      expect(parserWarnings).toHaveLength(1);
      expect(parserWarnings[0]).toMatch(/express\.urlencoded/);
      expect(parserWarnings[0]).toMatch(/data\[BOT\]\[<id>\]/);
    });

    it('reads the exact bytes when the parser keeps them in req.rawBody (no warning, bot ids intact)', async () => {
      const { receiver, warnings } = quietReceiver();
      const events: B24Event[] = [];
      receiver.onAny((event) => void events.push(event));
      const app = express();
      app.use(express.urlencoded({ extended: true, verify: (req, _res, buffer) => void Object.assign(req, { rawBody: buffer }) }));
      app.post('/b24', b24hooks(receiver));
      const response = await supertest(app).post('/b24').type('form').send(botMessage);
      expect(response.status).toBe(200);
      expect(Object.keys((events[0]!.data as { BOT: object }).BOT)).toEqual(['5']);
      expect(warnings).toEqual([]);
    });

    it('reads a JSON delivery express.json() parsed as the same event', async () => {
      const { receiver } = quietReceiver();
      const events: B24Event[] = [];
      receiver.onAny((event) => void events.push(event));
      const app = express();
      app.use(express.json());
      app.post('/b24', b24hooks(receiver));
      expect((await supertest(app).post('/b24').type('form').send(dealUpdate)).status).toBe(200);
      const json = JSON.stringify(events[0]!.raw);
      expect((await supertest(app).post('/b24').type('json').send(json)).status).toBe(200);
      expect(JSON.stringify(events[1])).toBe(JSON.stringify(events[0]));
    });

    it('reads the bytes express.raw() or express.text() kept', async () => {
      const { receiver, warnings } = quietReceiver();
      const app = express();
      app.use(express.raw({ type: FORM }));
      app.post('/b24', b24hooks(receiver));
      expect((await supertest(app).post('/b24').type('form').send(dealUpdate)).status).toBe(200);
      expect(warnings).toEqual([]);
    });

    it('refuses a body a reader consumed without leaving anything usable', async () => {
      const { receiver } = quietReceiver();
      const app = express();
      app.use((req, _res, next) => void req.resume().on('end', () => next()));
      app.post('/b24', b24hooks(receiver));
      const response = await supertest(app).post('/b24').type('form').send(dealUpdate);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('MALFORMED_BODY');
    });
  });
});

describe('b24hooks() arguments', () => {
  it('needs a receiver and a boolean respond', () => {
    expect(() => b24hooks(undefined as unknown as Receiver)).toThrow(/needs a receiver from createReceiver/);
    expect(() => b24hooks(quietReceiver().receiver, { respond: 'no' as unknown as boolean })).toThrow(/respond must be true or false/);
  });
});
