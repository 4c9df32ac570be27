// `node robot-demo.js`: the robot half of the lesson on 127.0.0.1. The Express service registers
// its robot on a fake Bitrix24 portal (twice, as every deploy would: the second run changes
// nothing), the portal runs it from a deal's workflow, and the handler's answer goes back with
// bizproc.event.send, which the portal records. Tokens are never printed.
import { createRestClient, registerRobots } from '@b24hooks/rest';
import { createFakePortal } from '@b24hooks/testing';
import { createApp } from './app.js';
import { discountRobot } from './robots.js';

const DEMO_TOKEN = 'demo0a1b2c3d4e5f60718293a4b5c6d7';

const portal = await createFakePortal({ domain: 'example.bitrix24.com', applicationToken: DEMO_TOKEN });
const lines = [];
const { app } = createApp({
  token: DEMO_TOKEN,
  app: portal.app,
  oauthServer: portal.oauthServer,
  log: (line) => lines.push(line),
  logger: { warn: (message) => lines.push(`log: ${message}`) },
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
const url = `http://127.0.0.1:${server.address().port}/b24`;

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error(`   not as expected: ${what}`);
  }
}

try {
  console.log(`b24hooks robot demo: an Express service answers robot calls at ${url}\n`);
  // The application's own tokens, as ONAPPINSTALL brought them (a real app keeps them in a CredentialStore).
  const installed = { ...portal.tokens, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, memberId: portal.memberId };
  const b24 = createRestClient({ auth: installed, app: portal.app, oauthServer: portal.oauthServer });
  for (const run of [1, 2]) {
    const result = await registerRobots(b24, [discountRobot], { handler: url });
    console.log(`${run}. registerRobots: added [${result.added.join(', ')}], updated [${result.updated.join(', ')}]`);
  }
  console.log(`   the portal has ${portal.bizproc.robots.size} robot: ${[...portal.bizproc.robots.keys()].join(', ')}, posting to ${portal.bizproc.robots.get('deal_discount')?.fields.HANDLER}\n`);
  check(portal.bizproc.robots.size === 1, 'one robot registered');

  const handler = String(portal.bizproc.robots.get(discountRobot.code)?.fields.HANDLER);
  const posted = await portal.postRobot(handler, discountRobot, { amount: 12500.5, vip: true, note: 'first line\nsecond line' });
  console.log('3. The deal\'s workflow runs the robot (amount 12500.5, VIP) and waits for the answer');
  for (const line of lines) console.log(`   handler: ${line}`);
  console.log(`   answer:  ${posted.status} ${JSON.stringify(posted.body)}`);
  const reply = portal.bizproc.replyTo(posted.eventToken);
  console.log(`   the portal got bizproc.event.send for this call's event token with ${JSON.stringify(reply?.returnValues)}`);
  check(posted.status === 200, 'the call answered 200');
  check(reply?.returnValues.discount === '15' && reply?.returnValues.needsApproval === 'Y', 'the reply carries discount 15 and needsApproval Y');
} finally {
  server.close();
  await portal.close();
}
console.log(failures === 0 ? '\nThe robot was registered once, ran, and answered its workflow.' : `\n${failures} steps did not go as expected.`);
process.exitCode = failures === 0 ? 0 : 1;
