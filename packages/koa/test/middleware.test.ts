import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { createMemoryTokenStore, createReceiver, type B24Event, type B24Logger, type Receiver } from '@b24hooks/core';
import { b24hooks, isB24HookError } from '@b24hooks/koa';
import { buildEventBody, FIXTURE_PORTAL, FIXTURE_TOKEN } from '@b24hooks/testing';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { parse } from 'node:querystring';
import supertest from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';

const dealUpdate = buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 662 } } });

function quietReceiver(options: Partial<Parameters<typeof createReceiver>[0]> = {}): { receiver: Receiver; warnings: string[] } {
  const warnings: string[] = [];
  const logger: B24Logger = { warn: (message) => void warnings.push(message), error: (message) => void warnings.push(message) };
  return { receiver: createReceiver({ token: FIXTURE_TOKEN, logger, ...options }), warnings };
}

function serve(app: { silent: boolean; callback(): Parameters<typeof supertest>[0] }): ReturnType<typeof supertest> {
  app.silent = true;
  return supertest(app.callback());
}

describe.each([
  ['Koa 2', Koa2],
  ['Koa 3', Koa3],
] as const)('%s', (_name, Koa) => {
  it('answers a delivery itself by default (router.post) and runs the on() handlers', async () => {
    const { receiver } = quietReceiver();
    const seen: number[] = [];
    receiver.on('ONCRMDEALUPDATE', (event) => void seen.push(event.data.FIELDS.ID));
    const router = new Router();
    router.post('/b24', b24hooks(receiver));
    const app = new Koa().use(router.routes());
    const response = await serve(app).post('/b24').type('form').send(dealUpdate);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(seen).toEqual([662]);
  });

  it('answers a refusal with the status and JSON body of core', async () => {
    const { receiver } = quietReceiver();
    const app = new Koa().use(b24hooks(receiver));
    const response = await serve(app).post('/b24').type('form').send(buildEventBody('ONCRMDEALUPDATE', { token: 'forged' }));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'TOKEN_MISMATCH', message: expect.stringContaining('does not match') } });
  });

  describe('respond: false', () => {
    it('sets ctx.state.b24event, awaits next() and runs no on() handler', async () => {
      const { receiver } = quietReceiver();
      let handlerRan = false;
      receiver.onAny(() => void (handlerRan = true));
      const router = new Router();
      router.post('/b24', b24hooks(receiver, { respond: false }), (ctx) => {
        expectTypeOf(ctx.state.b24event).toEqualTypeOf<B24Event | undefined>();
        const event = ctx.state.b24event!;
        ctx.body = { name: event.name, id: (event as B24Event<'ONCRMDEALUPDATE'>).data.FIELDS.ID };
      });
      const response = await serve(new Koa().use(router.routes())).post('/b24').type('form').send(dealUpdate);
      expect(response.body).toEqual({ name: 'ONCRMDEALUPDATE', id: 662 });
      expect(handlerRan).toBe(false);
    });

    it('throws the B24HookError for the app’s error middleware, with its status', async () => {
      const { receiver } = quietReceiver();
      const app = new Koa();
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch (error) {
          if (!isB24HookError(error)) throw error;
          ctx.status = error.status;
          ctx.body = { seenByApp: true, code: error.code };
        }
      });
      app.use(b24hooks(receiver, { respond: false }));
      const response = await serve(app).post('/b24').type('form').send(buildEventBody('ONCRMDEALUPDATE', { token: 'forged' }));
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ seenByApp: true, code: 'TOKEN_MISMATCH' });
    });

    it("leaves the answer to Koa's default error handling when the app has none", async () => {
      const { receiver } = quietReceiver();
      const response = await serve(new Koa().use(b24hooks(receiver, { respond: false }))).get('/b24');
      expect(response.status).toBe(405);
      expect(response.text).toContain('accepts only POST'); // expose: the message is safe to show
    });

    it('forgets an uninstalled portal once the app answered 2xx, and not after a failure', async () => {
      const tokenStore = createMemoryTokenStore({ [FIXTURE_PORTAL.memberId]: FIXTURE_TOKEN });
      const { receiver } = quietReceiver({ token: undefined, tokenStore });
      let fail = true;
      const app = new Koa().use(b24hooks(receiver, { respond: false })).use((ctx) => {
        if (fail) throw new Error('database down');
        ctx.status = 204;
      });
      const uninstall = buildEventBody('ONAPPUNINSTALL');
      expect((await serve(app).post('/b24').type('form').send(uninstall)).status).toBe(500);
      expect(await tokenStore.get(FIXTURE_PORTAL.memberId)).toBe(FIXTURE_TOKEN);
      fail = false;
      expect((await serve(app).post('/b24').type('form').send(uninstall)).status).toBe(204);
      expect(await tokenStore.get(FIXTURE_PORTAL.memberId)).toBeUndefined();
    });
  });

  describe('a body parser mounted first', () => {
    it('reads ctx.request.rawBody that @koa/bodyparser keeps: no warning', async () => {
      const { receiver, warnings } = quietReceiver();
      const app = new Koa().use(bodyParser()).use(b24hooks(receiver));
      expect((await serve(app).post('/b24').type('form').send(dealUpdate)).status).toBe(200);
      expect(warnings).toEqual([]);
    });

    it('works from ctx.request.body alone and warns once that a parser ran first', async () => {
      const { receiver, warnings } = quietReceiver();
      const app = new Koa();
      // A parser that keeps no raw body, as some do.
      app.use(async (ctx, next) => {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        (ctx.request as { body?: unknown }).body = { ...parse(Buffer.concat(chunks).toString()) };
        await next();
      });
      app.use(b24hooks(receiver));
      for (let i = 0; i < 2; i++) expect((await serve(app).post('/b24').type('form').send(dealUpdate)).status).toBe(200);
      const parserWarnings = warnings.filter((message) => message.includes('a body parser read the request before b24hooks'));
      expect(parserWarnings).toHaveLength(1);
      expect(parserWarnings[0]).toMatch(/Koa body parser/);
    });
  });
});

describe('b24hooks() arguments', () => {
  it('needs a receiver and a boolean respond', () => {
    expect(() => b24hooks(undefined as unknown as Receiver)).toThrow(/needs a receiver from createReceiver/);
    expect(() => b24hooks(quietReceiver().receiver, { respond: 1 as unknown as boolean })).toThrow(/respond must be true or false/);
  });
});
