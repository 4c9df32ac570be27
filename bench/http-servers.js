// The servers http.bench.js measures, one per process: `node http-servers.js <name>` listens on
// 127.0.0.1 (ephemeral port) and sends the port to its parent. Each answers a Bitrix24 delivery
// with 200 {"ok":true} when its application token matches and 401 otherwise; the hand-written ones
// do what an app without b24hooks typically does.
import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import { createReceiver } from '@b24hooks/core';
import { b24hooks as expressHooks } from '@b24hooks/express';
import { b24hooks as koaHooks } from '@b24hooks/koa';
import express from 'express';
import Koa from 'koa';
import qs from 'qs';
import getRawBody from 'raw-body';
import { TOKEN } from './http-harness.js';
import { carriesToken, refused, tokenMatches } from './http-tokens.js';

const SERVERS = {
  'express + b24hooks'() {
    const app = express();
    app.post('/b24', expressHooks(createReceiver({ token: TOKEN })));
    return app;
  },
  'express + urlencoded + compare'() {
    const app = express();
    app.use(express.urlencoded({ extended: true }));
    app.post('/b24', (req, res) => {
      if (tokenMatches(req.body)) res.json({ ok: true });
      else res.status(401).json(refused);
    });
    return app;
  },
  'koa + b24hooks'() {
    const app = new Koa();
    const hooks = koaHooks(createReceiver({ token: TOKEN }));
    app.use((ctx, next) => (ctx.path === '/b24' ? hooks(ctx, next) : next()));
    return app.callback();
  },
  'koa + bodyparser + compare'() {
    const app = new Koa();
    app.use(bodyParser());
    app.use((ctx) => {
      const ok = tokenMatches(ctx.request.body);
      ctx.status = ok ? 200 : 401;
      ctx.body = ok ? { ok: true } : refused;
    });
    return app.callback();
  },
  // Ceilings: the framework alone, with the least body work that still tells a forged call (the
  // raw bytes searched for the token). No body handling can make a framework faster than these.
  'express, raw bytes searched (ceiling)'() {
    const app = express();
    app.post('/b24', async (req, res) => {
      if (await carriesToken(req)) res.json({ ok: true });
      else res.status(401).json(refused);
    });
    return app;
  },
  'koa, raw bytes searched (ceiling)'() {
    const app = new Koa();
    app.use(async (ctx) => {
      const ok = await carriesToken(ctx.req);
      ctx.status = ok ? 200 : 401;
      ctx.body = ok ? { ok: true } : refused;
    });
    return app.callback();
  },
  'node:http + raw-body + qs'() {
    return async (req, res) => {
      const body = qs.parse(await getRawBody(req, { limit: 1024 * 1024, encoding: 'utf8' }));
      const ok = tokenMatches(body);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(ok ? { ok: true } : refused));
    };
  },
};

export const SERVER_NAMES = Object.keys(SERVERS);

if (process.argv[2] !== undefined) {
  const make = SERVERS[process.argv[2]];
  if (!make) throw new Error(`unknown server ${process.argv[2]}; one of: ${SERVER_NAMES.join(', ')}`);
  const server = createServer(make());
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}
