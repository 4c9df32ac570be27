// HTTP throughput of a Bitrix24 endpoint in NestJS, loopback only: @b24hooks/nestjs (module route
// and guard, Nest's body parser off as docs/nestjs.md recommends) against what a Nest app does
// without it: Nest's default body parser and a hand-written token guard. A Nest route that reads
// the raw bytes and finds the token in them, parsing nothing, is the ceiling: no receiver can be
// faster than Nest itself. Each server runs in its own process (`node nest.bench.js --serve
// <name>`), measured by http-harness.js (req/s and server CPU per request, BENCH_HTTP_ROUNDS
// interleaved slices, BENCH_BASE for an older build alongside). Plain JS: decorators are applied
// as functions.
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { Controller, HttpCode, Module, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { B24EventGuard, B24HooksModule } from '@b24hooks/nestjs';
import { CONNECTIONS, SECONDS, TOKEN, benchServers, measure, printCpu, printRates, printRatios } from './http-harness.js';
import { carriesToken, refused, tokenMatches } from './http-tokens.js';

/** The guard an app writes by hand: the token of the parsed body, compared in constant time. */
class HandWrittenTokenGuard {
  canActivate(context) {
    if (tokenMatches(context.switchToHttp().getRequest().body)) return true;
    throw refuse();
  }
}

const refuse = () => new UnauthorizedException(refused);

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

/** The ceiling: read the raw bytes, look for the token as it is encoded, parse nothing. */
async function findToken(req) {
  if (await carriesToken(req)) return { ok: true };
  throw refuse();
}

function appModule(metadata) {
  class App {}
  Module(metadata)(App);
  return App;
}

const quiet = { warn() {} };
const CEILING = 'nest, raw bytes searched (ceiling)';
const BASELINE = 'nest default parser + hand-written guard';
const SERVERS = {
  'nest + b24hooks module route': () => [appModule({ imports: [B24HooksModule.forRoot({ token: TOKEN, path: '/b24', logger: quiet })] }), { bodyParser: false }],
  'nest + b24hooks guard': () => [appModule({ imports: [B24HooksModule.forRoot({ token: TOKEN, logger: quiet })], controllers: [controller(ok, B24EventGuard)] }), { bodyParser: false }],
  [BASELINE]: () => [appModule({ controllers: [controller(ok, HandWrittenTokenGuard)] }), {}],
  [CEILING]: () => [appModule({ controllers: [controller(findToken)] }), { bodyParser: false }],
};

async function serve(name) {
  const [module, options] = SERVERS[name]();
  const app = await NestFactory.create(module, { logger: false, ...options });
  await app.listen(0, '127.0.0.1');
  process.send({ port: app.getHttpServer().address().port });
  process.on('disconnect', () => process.exit(0));
}

const WITH_B24HOOKS = ['nest + b24hooks module route', 'nest + b24hooks guard'];

if (process.argv[2] === '--serve') {
  await serve(process.argv[3]);
} else {
  const rounds = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
  const { servers, builds, start } = benchServers(Object.keys(SERVERS), WITH_B24HOOKS, fileURLToPath(import.meta.url), (name) => ['--serve', name]);
  console.log(`NestJS over HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case, ${rounds} rounds (node ${process.version})`);
  const results = await measure(servers, start, { rounds });
  printRates(results);
  printRatios(results, [
    ...builds.flatMap((build) => WITH_B24HOOKS.map((server) => [`${server}${build}`, BASELINE, 2])),
    [CEILING, BASELINE],
  ]);
  printCpu(
    results,
    builds.flatMap((build) => WITH_B24HOOKS.map((server) => [`${server}${build}`, CEILING])),
  );
}
