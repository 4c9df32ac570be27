// HTTP throughput of a Bitrix24 endpoint in NestJS, loopback only: @b24hooks/nestjs (module route
// and guard, Nest's body parser off as docs/nestjs.md recommends) against what a Nest app does
// without it: Nest's default body parser and a hand-written token guard. A Nest route that reads
// the body and finds the token in it without parsing anything is the floor: no receiver can be
// much faster than Nest itself. Each server
// runs in its own process (`node nest.bench.js --serve <name>`). Plain JS: decorators are applied
// as functions. Every server stays up while the others are loaded, and each case is measured in
// BENCH_NEST_ROUNDS slices (default 4) taken in turn and rotated, with the median kept, so that a
// load that drifts on a shared machine hits every server alike.
import 'reflect-metadata';
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Controller, HttpCode, Module, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { B24EventGuard, B24HooksModule } from '@b24hooks/nestjs';
import autocannon from 'autocannon';
import { CONNECTIONS, DELIVERIES, FORM, SECONDS, TOKEN, printRates, printRatios, startServer } from './http-harness.js';

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

const ROUNDS = Number(process.env.BENCH_NEST_ROUNDS ?? 4);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Req/s of one slice; throws on any answer but the expected one. */
async function slice(server, url, delivery, seconds) {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': FORM }, body: delivery.body, connections: CONNECTIONS, duration: seconds });
  const wrong = (delivery.status === 200 ? result.non2xx : result.requests.total - result.non2xx) + result.errors + result.timeouts;
  if (wrong !== 0) throw new Error(`${server}, ${delivery.name}: ${wrong} unexpected answers or errors`);
  return result.requests.average;
}

async function measureInterleaved(names) {
  const script = fileURLToPath(import.meta.url);
  const servers = await Promise.all(names.map(async (name) => ({ name, ...(await startServer(script, ['--serve', name])) })));
  try {
    for (const { name, url } of servers) await slice(name, url, DELIVERIES[0], 1); // warm-up
    const results = Object.fromEntries(names.map((name) => [name, {}]));
    for (const delivery of DELIVERIES) {
      const samples = Object.fromEntries(names.map((name) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = servers.map((_, index) => servers[(index + round) % servers.length]);
        for (const { name, url } of order) samples[name].push(await slice(name, url, delivery, Math.max(1, SECONDS / ROUNDS)));
      }
      for (const name of names) results[name][delivery.name] = median(samples[name]);
    }
    return results;
  } finally {
    for (const server of servers) server.stop();
  }
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3]);
} else {
  console.log(`NestJS over HTTP, loopback, ${CONNECTIONS} connections, ${SECONDS} s per case in ${ROUNDS} interleaved slices (node ${process.version})`);
  const results = await measureInterleaved(Object.keys(SERVERS));
  printRates(results);
  printRatios(results, [
    ['nest + b24hooks module route', BASELINE, 2],
    ['nest + b24hooks guard', BASELINE, 2],
    [FLOOR, BASELINE],
    ['nest + b24hooks module route', FLOOR],
  ]);
}
