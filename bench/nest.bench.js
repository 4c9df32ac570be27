// HTTP throughput of a Bitrix24 endpoint in NestJS, loopback only: @b24hooks/nestjs (module route
// and guard, Nest's body parser off as docs/nestjs.md recommends) against what a Nest app does
// without it: Nest's default body parser and a hand-written token guard. A Nest route that reads
// the body and finds the token in it without parsing anything is the floor: no receiver can be
// much faster than Nest itself. Each server
// runs in its own process (`node nest.bench.js --serve <name>`). Plain JS: decorators are applied
// as functions.
import 'reflect-metadata';
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Controller, HttpCode, Module, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { B24EventGuard, B24HooksModule } from '@b24hooks/nestjs';
import { CONNECTIONS, SECONDS, TOKEN, measure, printRates, printRatios, startServer } from './http-harness.js';

/** The guard an app writes by hand: the token of the parsed body, compared in constant time. */
class HandWrittenTokenGuard {
  canActivate(context) {
    const token = context.switchToHttp().getRequest().body?.auth?.application_token;
    const delivered = Buffer.from(typeof token === 'string' ? token : '');
    const expected = Buffer.from(TOKEN);
    if (delivered.length === expected.length && timingSafeEqual(delivered, expected)) return true;
    throw refuse();
  }
}

const refuse = () => new UnauthorizedException({ error: { code: 'TOKEN_MISMATCH', message: 'wrong token' } });

/** `@Controller() class { @Post('b24') @HttpCode(200) @UseGuards(...guards) take(@Req() req) { return handle(req) } }` */
function controller(handle, ...guards) {
  class Hooks {
    take(req) {
      return handle(req);
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Hooks.prototype, 'take');
  for (const decorate of [Post('b24'), HttpCode(200), ...(guards.length ? [UseGuards(...guards)] : [])]) decorate(Hooks.prototype, 'take', descriptor);
  Req()(Hooks.prototype, 'take', 0);
  Controller()(Hooks);
  return Hooks;
}

const ok = () => ({ ok: true });

/** The floor: read the body, look for the token as it is encoded, parse nothing. */
async function findToken(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  if (body.includes(`auth%5Bapplication_token%5D=${TOKEN}`)) return { ok: true };
  throw refuse();
}

function appModule(metadata) {
  class App {}
  Module(metadata)(App);
  return App;
}

const quiet = { warn() {} };
const FLOOR = 'nest route finding the token (floor)';
const BASELINE = 'nest default parser + hand-written guard';
const SERVERS = {
  'nest + b24hooks module route': () => [appModule({ imports: [B24HooksModule.forRoot({ token: TOKEN, path: '/b24', logger: quiet })] }), { bodyParser: false }],
  'nest + b24hooks guard': () => [appModule({ imports: [B24HooksModule.forRoot({ token: TOKEN, logger: quiet })], controllers: [controller(ok, B24EventGuard)] }), { bodyParser: false }],
  [BASELINE]: () => [appModule({ controllers: [controller(ok, HandWrittenTokenGuard)] }), {}],
  [FLOOR]: () => [appModule({ controllers: [controller(findToken)] }), { bodyParser: false }],
};

async function serve(name) {
  const [module, options] = SERVERS[name]();
  const app = await NestFactory.create(module, { logger: false, ...options });
  await app.listen(0, '127.0.0.1');
  process.send({ port: app.getHttpServer().address().port });
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3]);
} else {
  const script = fileURLToPath(import.meta.url);
  console.log(`NestJS over HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case (node ${process.version})`);
  const results = await measure(Object.keys(SERVERS), (server) => startServer(script, ['--serve', server]));
  printRates(results);
  printRatios(results, [
    ['nest + b24hooks module route', BASELINE, 2],
    ['nest + b24hooks guard', BASELINE, 2],
    [FLOOR, BASELINE],
    ['nest + b24hooks module route', FLOOR],
  ]);
}
