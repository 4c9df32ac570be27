// Records per second drained from the fake portal over loopback: createOfflineConsumer (typed
// events through core's coercion, receiver.receive, error/clear by message_id) against a
// hand-written loop over the same REST client (get with clear: 0, the raw JSON to a handler,
// clear the whole reservation). Same portal, same records, same run.
import { createReceiver } from '@b24hooks/core';
import { createOfflineConsumer, createRestClient } from '@b24hooks/rest';
import { createFakePortal } from '@b24hooks/testing';

const RECORDS = Number(process.env.BENCH_OFFLINE_RECORDS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

const portal = await createFakePortal({ rateLimit: false });
const tokens = portal.tokens;
const client = createRestClient({
  auth: { accessToken: tokens.accessToken, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, memberId: portal.memberId },
  rateLimit: false,
});

function seed() {
  for (let id = 1; id <= RECORDS; id++) {
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: id, TITLE: `Deal ${id}`, STAGE_ID: 'NEW' } }, { messageId: `m${id}` });
  }
}

let sum = 0;
const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', (event) => void (sum += event.data.FIELDS.ID));
const consumer = createOfflineConsumer({ receiver });

async function handWritten() {
  for (;;) {
    const { process_id: processId, events } = await client.call('event.offline.get', { clear: 0, limit: 50 });
    if (events.length === 0) return;
    for (const record of events) sum += Number(record.EVENT_DATA.FIELDS.ID);
    await client.call('event.offline.clear', { process_id: processId });
  }
}

const TASKS = {
  'createOfflineConsumer.drain': () => consumer.drain(client),
  'hand-written get/clear loop': handWritten,
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rates = {};
for (const name of Object.keys(TASKS)) rates[name] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, so neither always runs on a warmer process.
  const order = round % 2 === 0 ? Object.entries(TASKS) : Object.entries(TASKS).reverse();
  for (const [name, task] of order) {
    seed();
    const started = process.hrtime.bigint();
    await task();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (portal.offline.records().length !== 0) throw new Error(`${name} left records behind`);
    rates[name].push(RECORDS / seconds);
  }
}
await portal.close();

console.log(`offline drain, ${RECORDS} records in batches of 50, median of ${ROUNDS} (node ${process.version})`);
for (const [name, values] of Object.entries(rates)) console.log(`${name.padEnd(32)}${`${Math.round(median(values)).toLocaleString('en-US')} records/s`.padStart(20)}`);
const ratio = median(rates['createOfflineConsumer.drain']) / median(rates['hand-written get/clear loop']);
console.log(`consumer vs hand-written: ${ratio.toFixed(2)}× (the typed events, receive and per-record confirmation)`);
if (sum === 0) throw new Error('no handler ran');
