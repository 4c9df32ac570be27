/**
 * `b24hooks robot` (the built CLI) against a real Express server whose robot handler answers the
 * fake portal through the REST client. Needs `pnpm build` first, as `pnpm test` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, defineRobot, type B24RobotCall } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import { createRestFactory } from '@b24hooks/rest';
import { createFakePortal, type FakePortal } from '@b24hooks/testing';
import express from 'express';
import { assertBuilt, b24hooks as cli } from '../packages/testing/test/cli-runner.js';
import { listen, type RunningTarget } from './conformance/targets/types.js';

const findDeal = defineRobot({
  code: 'find_deal',
  name: 'Find deal',
  properties: { phone: { type: 'string', required: true }, tries: { type: 'int' }, tags: { type: 'string', multiple: true } },
  returnProperties: { dealId: { type: 'int' } },
});

let portal: FakePortal;
let server: RunningTarget;
const seen: B24RobotCall<any>[] = [];

beforeAll(async () => {
  assertBuilt();
  portal = await createFakePortal({ rateLimit: false });
  const receiver = createReceiver({ token: portal.applicationToken, rest: createRestFactory({ app: portal.app, oauthServer: portal.oauthServer }) });
  receiver.onRobot(findDeal, (call) => {
    seen.push(call);
    return { dealId: 42 };
  });
  const app = express();
  app.post('/b24', b24hooks(receiver));
  server = await listen(app);
});
afterAll(async () => {
  await server?.close();
  await portal?.close();
});

const portalArgs = () => ['--token', portal.applicationToken, '--member-id', portal.memberId, '--client-endpoint', portal.clientEndpoint, '--access-token', portal.tokens.accessToken];

describe('b24hooks robot', () => {
  it('posts a robot call with --set properties (repeated for a list); the reply reaches the portal', async () => {
    const run = await cli(['robot', 'find_deal', '--url', `${server.url}/b24`, ...portalArgs(), '--set', 'phone=+49 30 1234567', '--set', 'tries=3', '--set', 'tags=vip', '--set', 'tags=berlin', '--event-token', 'cli|token|1']);
    expect(run).toMatchObject({ code: 0, stdout: 'HTTP 200\n{"ok":true}\n', stderr: '' });
    expect(seen.at(-1)?.properties).toEqual({ phone: '+49 30 1234567', tries: 3, tags: ['vip', 'berlin'] });
    expect(portal.bizproc.replyTo('cli|token|1')?.returnValues).toEqual({ dealId: '42' });
  });

  it('--use-subscription N sends nothing back; --document sets document_id', async () => {
    const run = await cli(['robot', 'find_deal', '--url', `${server.url}/b24`, ...portalArgs(), '--set', 'phone=1', '--use-subscription', 'N', '--document', 'lists:BizprocDocument:7', '--event-token', 'cli|token|2']);
    expect(run.code).toBe(0);
    expect(seen.at(-1)).toMatchObject({ useSubscription: false, document: { module: 'lists', entity: 'BizprocDocument', id: '7' } });
    expect(portal.bizproc.replyTo('cli|token|2')).toBeUndefined();
  });

  it('exits 1 with the answer for an unknown code or a wrong token', async () => {
    const unknown = await cli(['robot', 'nobody_home', '--url', `${server.url}/b24`, ...portalArgs()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^HTTP 404\n\{"error":\{"code":"UNKNOWN_ROBOT"/);
    const forged = await cli(['robot', 'find_deal', '--url', `${server.url}/b24`, '--token', 'wrong', '--set', 'phone=1']);
    expect(forged.stdout).toMatch(/^HTTP 401\n/);
  });

  it('--dry-run prints the PHP-encoded body; bad arguments are usage errors', async () => {
    const dry = await cli(['robot', 'find_deal', '--dry-run', '--set', 'phone=a b&c']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('code=find_deal&document_id%5B0%5D=crm');
    expect(dry.stdout).toContain('properties%5Bphone%5D=a+b%26c');
    expect((await cli(['robot', 'find_deal', '--dry-run', '--set', 'no-equals'])).code).toBe(2);
    expect((await cli(['robot', 'find_deal', '--dry-run', '--use-subscription', 'maybe'])).code).toBe(2);
    expect((await cli(['robot', 'bad code', '--dry-run'])).code).toBe(2);
    expect((await cli(['robot', 'find_deal', '--url', `${server.url}/b24`])).stderr).toContain('--token is required');
  });
});
