// Registration and dispatch costs (issue 15, goal 4): registering N handlers on one name must be
// O(N) (time for 4N / time for N about 4), and a delivery must cost the same however many
// wildcards it does not match. Medians of interleaved rounds, same process.
import { createReceiver, parseForm, toEvent } from '@b24hooks/core';
import { PAYLOADS, fullAuth } from './payloads.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const TOKEN = fullAuth().application_token;
const noop = () => {};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

function registerMs(count) {
  const receiver = createReceiver({ token: TOKEN });
  const started = performance.now();
  for (let i = 0; i < count; i++) receiver.on('ONCRMDEALUPDATE', noop);
  return performance.now() - started;
}

const event = toEvent(parseForm(PAYLOADS[0].body));
function receiverWith(wildcards) {
  const receiver = createReceiver({ token: TOKEN });
  receiver.on('ONCRMDEALUPDATE', noop);
  for (let i = 0; i < wildcards; i++) receiver.on(`ONTASK${i}*`, noop);
  return receiver;
}
async function dispatchNs(receiver, calls = 20_000) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await receiver.receive(event);
  return Number(process.hrtime.bigint() - started) / calls;
}

const small = [];
const large = [];
const bare = [];
const crowded = [];
const [none, many] = [receiverWith(0), receiverWith(1000)];
await dispatchNs(none);
await dispatchNs(many);
for (let round = 0; round < ROUNDS; round++) {
  small.push(registerMs(5_000));
  large.push(registerMs(20_000));
  bare.push(await dispatchNs(none));
  crowded.push(await dispatchNs(many));
}
console.log(`dispatch, ${ROUNDS} interleaved rounds, median (min–max) (node ${process.version})`);
console.log(`on() x 5,000: ${median(small).toFixed(2)} ms (${spread(small)}); x 20,000: ${median(large).toFixed(2)} ms (${spread(large)})`);
console.log(`registration 20,000 / 5,000: ${(median(large) / median(small)).toFixed(2)}× (goal about 4×: O(N))`);
console.log(`receive, 0 wildcards: ${median(bare).toFixed(0)} ns (${spread(bare)}); 1,000 non-matching: ${median(crowded).toFixed(0)} ns (${spread(crowded)})`);
console.log(`1,000 wildcards / none: ${(median(crowded) / median(bare)).toFixed(2)}× (goal about 1×)`);
