import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import express from 'express';
import Koa from 'koa';
import Router from '@koa/router';
import { B24HookError, createReceiver } from '@b24hooks/core';
import { b24hooks as expressHooks } from '@b24hooks/express';
import { b24hooks as koaHooks } from '@b24hooks/koa';
import { sendEvent } from '@b24hooks/testing';
import { everyPackage } from './every-package.js';

const token = 'consumer-esm-token';
const seen: string[] = [];
const receiver = createReceiver({ token });
receiver.on('ONCRMDEALUPDATE', (event) => {
  seen.push(`deal ${event.data.FIELDS.ID}`);
});

const expressApp = express();
expressApp.post('/b24', expressHooks(receiver));
const router = new Router();
router.post('/b24', koaHooks(receiver));
const koaApp = new Koa().use(router.routes());

for (const [framework, listen] of [
  ['express 5', () => expressApp.listen(0, '127.0.0.1')],
  ['koa 3', () => koaApp.listen(0, '127.0.0.1')],
] as const) {
  const server = listen();
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`;
  const ok = await sendEvent(url, 'ONCRMDEALUPDATE', { token, data: { FIELDS: { ID: 11 } } });
  assert.deepEqual([ok.status, ok.body], [200, { ok: true }], framework);
  const forged = await sendEvent(url, 'ONCRMDEALUPDATE', { token: 'forged' });
  assert.equal(forged.status, 401, framework);
  server.close();
  server.closeAllConnections(); // fetch keeps connections alive, which would hold the process open
}
assert.deepEqual(seen, ['deal 11', 'deal 11']);

// An ESM app that also require()s core (or a CommonJS dependency that does) gets the second copy:
// the brand keeps instanceof true across them.
const cjsCore = createRequire(import.meta.url)('@b24hooks/core') as typeof import('@b24hooks/core');
assert.notEqual(cjsCore.B24HookError, B24HookError);
assert.ok(new cjsCore.B24HookError('TOKEN_MISMATCH', 'x') instanceof B24HookError);

for (const [name, loaded] of Object.entries(everyPackage)) {
  assert.equal(typeof loaded, 'object', `${name} did not load`);
  // The ESM entry: per-file (dist/index.js) or bundled (dist/bundle.js), never dist/cjs.
  assert.match(import.meta.resolve(name), /\/dist\/(index|bundle)\.js$/, `${name} resolved to ${import.meta.resolve(name)}`);
}
console.log(`esm-nodenext: ${Object.keys(everyPackage).length} packages type-checked and imported as ESM`);
