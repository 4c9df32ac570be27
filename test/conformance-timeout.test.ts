/**
 * A timeout middleware mounted in front of b24hooks (connect-timeout style) answers first, while
 * a handler is still running. Whatever the framework, b24hooks must then write nothing (writing to
 * an answered response throws ERR_HTTP_HEADERS_SENT, and before the fix that killed the process
 * from inside a promise), leave no rejection unhandled, let the handler finish, and keep serving.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReceiver, encodeForm, type Receiver, type TokenStore } from '@b24hooks/core';
import { b24hooks as expressHooks } from '@b24hooks/express';
import { b24hooks as koaHooks } from '@b24hooks/koa';
import express5 from 'express';
import express4 from 'express4';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { createHookApp, NEST_MODES } from '../packages/nestjs/test/support/hook-app.js';
import { NEST_VERSION } from '../packages/nestjs/test/support/nest-version.js';
import { dealUpdate, delivery, FORM, PORTALS, TOKENS, webhookAuth } from './conformance/cases.js';
import { send } from './conformance/client.js';
import { listen, type RunningTarget } from './conformance/targets/types.js';

const TIMEOUT_MS = 40;
const SLOW_MS = 200;
const PATH = '/b24';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Harness {
  receiver: Receiver;
  finished: string[];
  warnings: string[];
}

/**
 * A receiver whose deal-update handler is slower than the timeout (deal-add handlers are fast),
 * and whose token store takes as long for `PORTALS.stored`: with `respond: false` and the guard
 * the app's route is the handler, so there the verification is what outlasts the timeout.
 */
function harness(): Harness {
  const finished: string[] = [];
  const warnings: string[] = [];
  const tokenStore: TokenStore = {
    get: async (memberId) => (memberId === PORTALS.stored.memberId ? (await sleep(SLOW_MS), TOKENS.stored) : undefined),
    set: async () => {},
    delete: async () => {},
  };
  const receiver = createReceiver({ token: TOKENS.main, tokenStore, logger: { warn: (message) => void warnings.push(message) } });
  receiver.on('ONCRMDEALUPDATE', async () => {
    await sleep(SLOW_MS);
    finished.push('slow');
  });
  receiver.on('ONCRMDEALADD', () => void finished.push('fast'));
  return { receiver, finished, warnings };
}

/** Answers 503 itself after `ms` if nothing else has, as connect-timeout and most proxies' hooks do. */
function nodeTimeout(ms: number) {
  return (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":"timeout"}');
    }, ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/** connect-timeout itself: on timeout it passes a 503 error on, and Express's error handler answers. */
function connectTimeout(ms: number) {
  return (_req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    const timer = setTimeout(() => next(Object.assign(new Error('Response timeout'), { status: 503, expose: true })), ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

type Start = (h: Harness) => Promise<RunningTarget>;
/** `handlers`: b24hooks runs the slow handlers and answers; `route`: the app's route is the handler. */
type Slow = 'handlers' | 'route';

const targets: Array<[string, Slow, Start]> = [];
for (const [name, express] of [['Express 4', express4], ['Express 5', express5]] as const) {
  targets.push([
    `${name}, connect-timeout style (next(err) with 503)`,
    'handlers',
    async (h) => {
      const app = express();
      app.use(connectTimeout(TIMEOUT_MS));
      app.post(PATH, expressHooks(h.receiver));
      return listen(app);
    },
  ]);
  targets.push([
    `${name}, respond: false, a timeout that answers itself`,
    'route',
    async (h) => {
      const app = express();
      app.use(nodeTimeout(TIMEOUT_MS));
      app.post(PATH, expressHooks(h.receiver, { respond: false }), async (req, res) => {
        await h.receiver.receive((req as unknown as { b24event: Parameters<Receiver['receive']>[0] }).b24event);
        if (!res.headersSent) res.json({ ok: true });
      });
      return listen(app);
    },
  ]);
}
for (const [name, Koa] of [['Koa 2', Koa2], ['Koa 3', Koa3]] as const) {
  for (const respond of [true, false]) {
    targets.push([
      `${name}${respond ? '' : ', respond: false'}, a timeout middleware that answers first`,
      respond ? 'handlers' : 'route',
      async (h) => {
        const app = new Koa();
        app.silent = true;
        app.use(async (ctx, next) => {
          let timer: NodeJS.Timeout | undefined;
          const timedOut = new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              ctx.status = 503;
              ctx.body = { error: 'timeout' };
              resolve();
            }, TIMEOUT_MS);
          });
          await Promise.race([next(), timedOut]);
          clearTimeout(timer);
        });
        const hook = koaHooks(h.receiver, { respond });
        app.use(async (ctx, next) => {
          if (ctx.path !== PATH) return next();
          await hook(ctx, async () => {
            await h.receiver.receive(ctx.state.b24event!);
            ctx.body = { ok: true };
          });
        });
        return listen(app.callback());
      },
    ]);
  }
}
for (const mode of NEST_MODES) {
  targets.push([
    `Nest ${NEST_VERSION}, ${mode}, a timeout middleware (app.use) that answers first`,
    mode === 'guard' ? 'route' : 'handlers',
    async (h) => {
      const app = await createHookApp(
        mode,
        'bodyParser: false',
        [{ path: PATH, receiver: h.receiver, handle: (event) => void h.receiver.receive(event) }],
        (nest) => nest.use(nodeTimeout(TIMEOUT_MS)),
      );
      const running = await listen(app.getHttpAdapter().getInstance());
      return {
        url: running.url,
        async close() {
          await running.close();
          await app.close();
        },
      };
    },
  ]);
}

const fast = { method: 'POST', headers: { 'content-type': FORM }, body: encodeForm(delivery('ONCRMDEALADD', { FIELDS: { ID: 7 } }, webhookAuth(TOKENS.main))) };

const slowDelivery = (slowPart: Slow) => ({
  method: 'POST',
  headers: { 'content-type': FORM },
  body: encodeForm(slowPart === 'handlers' ? dealUpdate() : dealUpdate(TOKENS.stored, PORTALS.stored)),
});

describe.each(targets)('%s', (_name, slowPart, start) => {
  const crashes: unknown[] = [];
  const record = (error: unknown) => void crashes.push(error);
  let h: Harness;
  let running: RunningTarget;
  beforeAll(async () => {
    h = harness();
    running = await start(h);
  });
  afterAll(async () => {
    await running.close();
  });
  beforeEach(() => {
    crashes.length = 0;
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  });

  it('the timeout answers, b24hooks writes nothing after it, nothing is left unhandled, and the server keeps serving', async () => {
    const first = await send(running.url, PATH, slowDelivery(slowPart));
    expect(first).not.toBe('no-answer');
    if (first === 'no-answer') return;
    expect(first.status).toBe(503);
    // Let the slow handler finish and b24hooks try to answer.
    await sleep(SLOW_MS + 100);
    // With the handlers in b24hooks they finish; a route that is the handler is not entered late.
    if (slowPart === 'handlers') expect(h.finished).toContain('slow');
    expect(crashes).toEqual([]);
    expect(h.warnings.some((warning) => warning.includes('already sent'))).toBe(true);
    const next = await send(running.url, PATH, fast);
    expect(next).toMatchObject({ status: 200 });
    expect(h.finished).toContain('fast');
  });
});
