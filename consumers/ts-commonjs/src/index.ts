import assert from 'node:assert/strict';
import express from 'express';
import Koa from 'koa';
import { B24HookError, createReceiver, isB24HookError, parseForm, type B24Event } from '@b24hooks/core';
import { b24hooks as expressHooks } from '@b24hooks/express';
import { b24hooks as koaHooks } from '@b24hooks/koa';
import { B24HooksModule, OnB24Event } from '@b24hooks/nestjs';
import { buildEventBody, FIXTURE_TOKEN } from '@b24hooks/testing';
import { everyPackage } from './every-package';

const receiver = createReceiver({ token: FIXTURE_TOKEN });
receiver.on('ONCRMDEALUPDATE', (event: B24Event<'ONCRMDEALUPDATE'>) => {
  const id: number = event.data.FIELDS.ID;
  return void id;
});

express().post('/b24', expressHooks(receiver), (req, res) => {
  res.json({ name: req.b24event?.name });
});
new Koa().use(koaHooks(receiver, { respond: false }));
B24HooksModule.forRoot({ token: FIXTURE_TOKEN, path: '/b24' });

class Deals {
  @OnB24Event('ONCRMDEALADD')
  added(event: B24Event<'ONCRMDEALADD'>) {
    return event.data.FIELDS.ID;
  }
}

const form = parseForm(buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 3 } } }));
assert.ok(form.data);
assert.ok(isB24HookError(new B24HookError('TOKEN_MISMATCH', 'x')));
assert.equal(typeof new Deals().added, 'function');

for (const [name, loaded] of Object.entries(everyPackage)) {
  assert.equal(typeof loaded, 'object', `${name} did not load`);
  assert.match(require.resolve(name), /[\\/]dist[\\/]cjs[\\/]index\.js$/, `${name} resolved past its CommonJS build`);
}
console.log(`ts-commonjs: ${Object.keys(everyPackage).length} packages type-checked and loaded as CommonJS`);
