// `pnpm demo`: the whole lesson on 127.0.0.1. A fake Bitrix24 portal (from @b24hooks/testing) posts
// an outgoing-webhook event to the Express example, whose handler reads the deal back through the
// portal's incoming webhook URL (@b24hooks/rest); then a chat-bot message and a forged call arrive.
// It prints what the service made of each: the typed event, what the handler did, and the answer.
// Tokens and the webhook secret are never printed.
import { inspect } from 'node:util';
import { redact } from '@b24hooks/core';
import { buildEventBody, createFakePortal, postBody } from '@b24hooks/testing';
import { createApp } from './app.js';

/** The token this demo's service trusts; a real one comes from Bitrix24 (see server.js). */
const DEMO_TOKEN = 'demo0a1b2c3d4e5f60718293a4b5c6d7';
/** The incoming webhook's secret on the demo portal; a real one is in the URL Bitrix24 shows. */
const DEMO_WEBHOOK_SECRET = 'demo173glortu42l';

const portal = await createFakePortal({ domain: 'example.bitrix24.com', applicationToken: DEMO_TOKEN, webhook: { userId: 1, secret: DEMO_WEBHOOK_SECRET } });
const deals = { 662: { ID: '662', TITLE: 'Kitchen renovation', STAGE_ID: 'PREPARATION', OPPORTUNITY: '12500.00', CURRENCY_ID: 'EUR', CONTACT_ID: '42' } };
portal.method('crm.deal.get', (params) => deals[params.id ?? params.ID] ?? null);

const lines = [];
const { app, receiver } = createApp({
  token: DEMO_TOKEN,
  webhook: portal.webhookUrl,
  log: (line) => lines.push(`handler: ${line}`),
  logger: { warn: (message, details) => lines.push(`log:     ${message} ${inspect(details, { breakLength: Infinity })}`) },
});
let lastEvent;
receiver.onAny((event) => void (lastEvent = event));

const server = app.listen(0, '127.0.0.1');
await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
const url = `http://127.0.0.1:${server.address().port}/b24`;
const hidden = portal.webhookUrl.replace(DEMO_WEBHOOK_SECRET, '<secret>');
console.log(`b24hooks demo: an Express service receives Bitrix24 events at ${url}`);
console.log(`and calls back a fake portal (example.bitrix24.com, served at ${portal.url}) through its incoming webhook ${hidden}`);
console.log('(the application token and the webhook secret are configured, and never printed)\n');

const deliveries = [
  {
    title: 'The portal posts a deal update (ONCRMDEALUPDATE, from an outgoing webhook); the handler reads the deal back',
    send: () => portal.postEvent(url, 'ONCRMDEALUPDATE', { oauth: false, data: { FIELDS: { ID: 662 } } }),
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
  const { name, handlerId, timestamp, portal: from, auth, data } = event;
  const view = { name, handlerId, timestamp, portal: { domain: from.domain, memberId: from.memberId }, ...(auth ? { userId: auth.userId } : {}), data: abridge(redact(data)) };
  return inspect(view, { depth: 6, breakLength: 100, colors: process.stdout.isTTY }).replaceAll('\n', '\n         ');
}

let failures = 0;
try {
  for (const [index, delivery] of deliveries.entries()) {
    lines.length = 0;
    lastEvent = undefined;
    const response = delivery.send ? await delivery.send() : await postBody(url, delivery.body);
    const answer = response.body;
    console.log(`${index + 1}. ${delivery.title}`);
    if (delivery.body) console.log(`   POST ${Buffer.byteLength(delivery.body)} bytes of application/x-www-form-urlencoded`);
    else console.log('   POST from the portal, PHP-encoded (application/x-www-form-urlencoded)');
    if (lastEvent) console.log(`   event:   ${show(lastEvent)}`);
    for (const line of lines) console.log(`   ${line}`);
    const verdict = 'error' in answer ? `${answer.error.code}: ${answer.error.message}` : 'accepted';
    console.log(`   answer:  ${response.status} ${verdict}\n`);
    if (response.status !== delivery.expect) {
      failures++;
      console.error(`   expected ${delivery.expect}, got ${response.status}`);
    }
  }
  const read = portal.callsOf('crm.deal.get');
  console.log(`The portal recorded ${read.length} REST call${read.length === 1 ? '' : 's'}: ${read.map((call) => `${call.method}(id=${call.params.id}) by ${call.auth?.kind} user #${call.auth?.userId}`).join(', ')}`);
  if (read.length !== 1) failures++;
} finally {
  server.close();
  await portal.close();
}
console.log(failures === 0 ? 'Every delivery was answered as expected.' : `${failures} deliveries were not answered as expected.`);
process.exitCode = failures === 0 ? 0 : 1;
