// `pnpm demo`: starts the Express example on 127.0.0.1 (an ephemeral port), posts a few deliveries
// encoded exactly as Bitrix24 encodes them (PHP's http_build_query), and prints what the service
// made of each: the typed event, what the handler did, and the answer. Tokens are never printed.
import { inspect } from 'node:util';
import { redact } from '@b24hooks/core';
import { buildEventBody } from '@b24hooks/testing';
import { createApp } from './app.js';

/** The token this demo's service trusts; a real one comes from Bitrix24 (see server.js). */
const DEMO_TOKEN = 'demo0a1b2c3d4e5f60718293a4b5c6d7';

const deliveries = [
  {
    title: 'A deal was updated (ONCRMDEALUPDATE, from an outgoing webhook)',
    body: buildEventBody('ONCRMDEALUPDATE', { token: DEMO_TOKEN, oauth: false, data: { FIELDS: { ID: 662 } } }),
    expect: 200,
  },
  {
    title: 'Someone wrote to a chat bot (ONIMBOTMESSAGEADD, one data[BOT][<id>] block per bot)',
    body: buildEventBody('ONIMBOTMESSAGEADD', {
      token: DEMO_TOKEN,
      data: { BOT: { 5: { BOT_ID: 5, BOT_CODE: 'helpdesk' }, 567: null }, PARAMS: { MESSAGE: 'Where is my order #1042?' }, USER: { NAME: 'Anna Petrova', FIRST_NAME: 'Anna', LAST_NAME: 'Petrova' } },
    }),
    expect: 200,
  },
  {
    title: 'A forged call: right shape, wrong application token',
    body: buildEventBody('ONCRMDEALUPDATE', { token: 'not-the-token-of-this-service', oauth: false, data: { FIELDS: { ID: 1 } } }),
    expect: 401,
  },
];

const lines = [];
const { app, receiver } = createApp({
  token: DEMO_TOKEN,
  log: (line) => lines.push(`handler: ${line}`),
  logger: { warn: (message, details) => lines.push(`log:     ${message} ${inspect(details, { breakLength: Infinity })}`) },
});
let lastEvent;
receiver.onAny((event) => void (lastEvent = event));

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
const url = `http://127.0.0.1:${server.address().port}/b24`;
console.log(`b24hooks demo: an Express service receives Bitrix24 events at ${url}`);
console.log('(its application token is configured, and never printed)\n');

/** Long maps cut to their first few keys, so the shape shows without a screenful of fields. */
function abridge(value, keys = 5) {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const entries = Object.entries(value);
  const kept = Object.fromEntries(entries.slice(0, keys).map(([key, item]) => [key, abridge(item, keys)]));
  if (entries.length > keys) kept['…'] = `${entries.length - keys} more`;
  return kept;
}

/** The typed event, as a person reads it: tokens redacted, `raw` (every field as sent) left out. */
function show(event) {
  const { name, handlerId, timestamp, portal, auth, data } = event;
  const view = { name, handlerId, timestamp, portal: { domain: portal.domain, memberId: portal.memberId }, ...(auth ? { userId: auth.userId } : {}), data: abridge(redact(data)) };
  return inspect(view, { depth: 6, breakLength: 100, colors: process.stdout.isTTY }).replaceAll('\n', '\n         ');
}

let failures = 0;
for (const [index, delivery] of deliveries.entries()) {
  lines.length = 0;
  lastEvent = undefined;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: delivery.body });
  const answer = await response.json();
  console.log(`${index + 1}. ${delivery.title}`);
  console.log(`   POST ${Buffer.byteLength(delivery.body)} bytes of application/x-www-form-urlencoded`);
  if (lastEvent) console.log(`   event:   ${show(lastEvent)}`);
  for (const line of lines) console.log(`   ${line}`);
  const verdict = 'error' in answer ? `${answer.error.code}: ${answer.error.message}` : 'accepted';
  console.log(`   answer:  ${response.status} ${verdict}\n`);
  if (response.status !== delivery.expect) {
    failures++;
    console.error(`   expected ${delivery.expect}, got ${response.status}`);
  }
}

server.close();
console.log(failures === 0 ? 'Every delivery was answered as expected.' : `${failures} deliveries were not answered as expected.`);
process.exitCode = failures === 0 ? 0 : 1;
