// toEvent on the realistic deliveries (issue 15, goal 4: the bot message at most half of its
// 20.6 µs before): median of interleaved rounds, with the spread.
import { parseForm, toEvent } from '@b24hooks/core';
import { PAYLOADS } from './payloads.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const forms = PAYLOADS.map(({ name, body, params }) => ({ name, form: parseForm(body), calls: params > 1000 ? 1_000 : 20_000 }));
const micros = Object.fromEntries(forms.map(({ name }) => [name, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const { name, form, calls } of forms) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) toEvent(form);
    // Round 0 only warms up.
    if (round > 0) micros[name].push(Number(process.hrtime.bigint() - started) / calls / 1000);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`toEvent, ${ROUNDS} interleaved rounds, median (min–max) per call (node ${process.version})`);
for (const { name } of forms) {
  const values = micros[name];
  console.log(`${name.padEnd(20)}${`${median(values).toFixed(2)} µs`.padStart(12)}  (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`);
}
