'use strict';
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { once } = require('node:events');
const { promisify } = require('node:util');
const { after, before, test } = require('node:test');
const { sendEvent } = require('@b24hooks/testing');
const { createApp } = require('../app.js');

const token = 'consumer-express4-token';
const { app, deals, refusals } = createApp(token);
let server;
let base;

before(async () => {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test('loads the CommonJS builds, not ESM through require(esm)', () => {
  for (const name of ['@b24hooks/core', '@b24hooks/express', '@b24hooks/testing']) {
    assert.match(require.resolve(name), /[\\/]dist[\\/]cjs[\\/]index\.js$/);
  }
});

test('a delivery reaches the handler and gets 200 {"ok":true}', async () => {
  const result = await sendEvent(`${base}/b24`, 'ONCRMDEALUPDATE', { token, data: { FIELDS: { ID: 42 } } });
  assert.equal(result.status, 200);
  assert.deepEqual(result.body, { ok: true });
  assert.deepEqual(deals, [42]);
});

test('respond: false hands the event to the route', async () => {
  const result = await sendEvent(`${base}/b24/own`, 'ONTASKADD', { token });
  assert.equal(result.status, 200);
  assert.deepEqual(result.body, { received: 'ONTASKADD' });
});

test('a forged token is refused with 401, through the app error handler as B24HookError', async () => {
  const result = await sendEvent(`${base}/b24/own`, 'ONCRMDEALUPDATE', { token: 'forged' });
  assert.equal(result.status, 401);
  assert.equal(result.body.error.code, 'TOKEN_MISMATCH');
  assert.deepEqual(refusals, ['TOKEN_MISMATCH']);
});

test('the CLI as the docs spell it: npx -p @b24hooks/testing b24hooks trigger', async () => {
  const args = ['-p', '@b24hooks/testing', 'b24hooks', 'trigger', 'ONCRMDEALUPDATE', '--url', `${base}/b24`, '--token', token, '--set', 'data.FIELDS.ID=5'];
  await promisify(execFile)('npx', args, { env: { ...process.env, npm_config_yes: 'false' } });
  assert.deepEqual(deals.slice(-1), [5]);
});
