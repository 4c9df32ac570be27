// What a robot call costs the receiver (verify, type its properties, run a handler that needs no
// reply) against an event delivery of the receiver, against the hand-written qs.parse + compare
// most robot handlers start as, and what a forged robot call costs. Same run, same machine.
import { timingSafeEqual } from 'node:crypto';
import { createReceiver, defineRobot } from '@b24hooks/core';
import { buildEventBody, buildRobotBody, FIXTURE_TOKEN } from '@b24hooks/testing';
import qs from 'qs';
import { Bench } from 'tinybench';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);
const FORM = 'application/x-www-form-urlencoded';
const post = (body) => ({ method: 'POST', contentType: FORM, body });

const robot = defineRobot({
  code: 'find_deal',
  name: 'Find deal',
  properties: {
    phone: { type: 'string', required: true },
    note: { type: 'text' },
    tries: { type: 'int' },
    ratio: { type: 'double' },
    notify: { type: 'bool' },
    due: { type: 'date' },
    channel: { type: 'select', options: { sms: 'SMS', mail: 'E-mail' } },
    owner: { type: 'user' },
    tags: { type: 'string', multiple: true },
  },
  returnProperties: { dealId: { type: 'int' } },
});
// The workflow does not wait, so no REST call is timed; the factory is never called.
const receiver = createReceiver({ token: FIXTURE_TOKEN, rest: () => ({ call: async () => true }) });
receiver.onRobot(robot, () => ({ dealId: 1 }));
receiver.on('ONCRMDEALUPDATE', () => {});

const robotBody = buildRobotBody(
  robot,
  { phone: '+49 30 1234567', note: 'line 1\nline 2', tries: 3, ratio: 0.5, notify: true, due: '24.12.2026', channel: 'sms', owner: 'user_17', tags: ['a', 'b', 'c'] },
  { useSubscription: 'N' },
);
const forged = robotBody.replace(`application_token%5D=${FIXTURE_TOKEN}`, 'application_token%5D=forged00000000000000000000000000');
const eventBody = buildEventBody('ONCRMDEALUPDATE');

const expected = Buffer.from(FIXTURE_TOKEN);
/** The usual hand-written robot endpoint: qs defaults, a token compare, Number() and === 'Y' by hand. */
function handWritten(body) {
  const form = qs.parse(body);
  const token = Buffer.from(String(form.auth?.application_token ?? ''));
  if (token.length !== expected.length || !timingSafeEqual(token, expected)) return 401;
  const properties = form.properties ?? {};
  void { tries: Number(properties.tries), ratio: Number(properties.ratio), notify: properties.notify === 'Y' };
  return 200;
}

for (const [name, body, status] of [['robot', robotBody, 200], ['forged robot', forged, 401], ['event', eventBody, 200]]) {
  const answer = await receiver.handle(post(body));
  if (answer.status !== status) throw new Error(`${name}: expected ${status}, got ${answer.status}`);
}

const bench = new Bench({ name: 'robots', time: TIME_MS, warmupTime: Math.min(200, TIME_MS) });
bench
  .add('handle: robot call', () => receiver.handle(post(robotBody)))
  .add('handle: forged robot call', () => receiver.handle(post(forged)))
  .add('handle: deal update event', () => receiver.handle(post(eventBody)))
  .add('qs + compare: robot call', () => handWritten(robotBody));
await bench.run();

const ops = Object.fromEntries(bench.tasks.map((task) => [task.name, task.result?.period ? 1000 / task.result.period : Number.NaN]));
console.log(`robots, ${TIME_MS} ms per task (node ${process.version}); robot body ${Buffer.byteLength(robotBody)} bytes, event body ${Buffer.byteLength(eventBody)} bytes`);
for (const [task, value] of Object.entries(ops)) console.log(`${task.padEnd(30)}${`${Math.round(value).toLocaleString('en-US')} op/s`.padStart(16)}`);
console.log(`robot call vs hand-written qs + compare: ${(ops['handle: robot call'] / ops['qs + compare: robot call']).toFixed(2)}×`);
console.log(`robot call vs event of the same receiver: ${(ops['handle: robot call'] / ops['handle: deal update event']).toFixed(2)}×`);
console.log(`forged robot call vs genuine: ${(ops['handle: forged robot call'] / ops['handle: robot call']).toFixed(1)}× cheaper`);
