import { defineRobot } from '@b24hooks/core';
import { createRestClient, registerRobots, type B24Credentials } from '@b24hooks/rest';
import { createFakePortal, type FakePortal } from '@b24hooks/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const findDeal = defineRobot({
  code: 'find_deal',
  name: { en: 'Find deal by phone', de: 'Deal per Telefon finden' },
  description: 'Looks the deal up',
  properties: {
    phone: { type: 'string', required: true, name: 'Phone' },
    channel: { type: 'select', options: { sms: 'SMS', mail: 'E-mail' }, default: 'sms' },
    notify: { type: 'bool', default: true },
    tags: { type: 'string', multiple: true },
  },
  returnProperties: { dealId: { type: 'int' }, found: { type: 'bool' } },
  documentType: ['crm', 'CCrmDocumentDeal', 'DEAL'],
  filter: { INCLUDE: [['crm', 'CCrmDocumentDeal']] },
});
const archive = defineRobot({ code: 'archive', name: 'Archive', kind: 'activity', useSubscription: false });
const HANDLER = 'https://app.example.com/b24';

let portal: FakePortal;
beforeEach(async () => {
  portal = await createFakePortal({ rateLimit: false });
});
afterEach(() => portal.close());

const credentialsOf = (p: FakePortal): B24Credentials => ({
  accessToken: p.tokens.accessToken,
  refreshToken: p.tokens.refreshToken,
  domain: p.domain,
  clientEndpoint: p.clientEndpoint,
  serverEndpoint: p.serverEndpoint,
  memberId: p.memberId,
});
const appClient = () => createRestClient({ auth: credentialsOf(portal), app: portal.app, oauthServer: portal.oauthServer });

describe('registerRobots against the fake portal over HTTP', () => {
  it('adds robots with bizproc.robot.add and activities with bizproc.activity.add, in Bitrix24 field names', async () => {
    const result = await registerRobots(appClient(), [findDeal, archive], { handler: HANDLER, authUserId: 7 });
    expect(result).toEqual({ added: ['find_deal', 'archive'], updated: [] });
    expect(portal.calls.map((call) => call.method)).toEqual(['bizproc.robot.list', 'bizproc.robot.add', 'bizproc.activity.list', 'bizproc.activity.add']);
    expect(portal.bizproc.robots.get('find_deal')?.fields).toEqual({
      CODE: 'find_deal',
      HANDLER,
      AUTH_USER_ID: '7',
      USE_SUBSCRIPTION: 'Y',
      NAME: { en: 'Find deal by phone', de: 'Deal per Telefon finden' },
      DESCRIPTION: 'Looks the deal up',
      PROPERTIES: {
        phone: { Name: 'Phone', Type: 'string', Required: 'Y', Multiple: 'N' },
        channel: { Name: 'channel', Type: 'select', Required: 'N', Multiple: 'N', Default: 'sms', Options: { sms: 'SMS', mail: 'E-mail' } },
        notify: { Name: 'notify', Type: 'bool', Required: 'N', Multiple: 'N', Default: 'Y' },
        tags: { Name: 'tags', Type: 'string', Required: 'N', Multiple: 'Y' },
      },
      RETURN_PROPERTIES: {
        dealId: { Name: 'dealId', Type: 'int', Required: 'N', Multiple: 'N' },
        found: { Name: 'found', Type: 'bool', Required: 'N', Multiple: 'N' },
      },
      DOCUMENT_TYPE: ['crm', 'CCrmDocumentDeal', 'DEAL'],
      FILTER: { INCLUDE: [['crm', 'CCrmDocumentDeal']] },
    });
    expect(portal.bizproc.activities.get('archive')?.fields).toMatchObject({ CODE: 'archive', USE_SUBSCRIPTION: 'N', NAME: 'Archive' });
  });

  it('run twice changes nothing: the second run updates each code in place with the same fields', async () => {
    await registerRobots(appClient(), [findDeal, archive], { handler: HANDLER });
    const first = structuredClone([...portal.bizproc.robots.values(), ...portal.bizproc.activities.values()].map((robot) => robot.fields));
    const again = await registerRobots(appClient(), [findDeal, archive], { handler: HANDLER });
    expect(again).toEqual({ added: [], updated: ['find_deal', 'archive'] });
    const second = [...portal.bizproc.robots.values(), ...portal.bizproc.activities.values()].map((robot) => robot.fields);
    expect(second).toEqual(first);
    expect([...portal.bizproc.robots.keys()]).toEqual(['find_deal']);
    expect(portal.callsOf('bizproc.robot.add')).toHaveLength(1);
    expect(portal.callsOf('bizproc.robot.update')).toHaveLength(1);
  });

  it('moves a robot to a new handler URL on update', async () => {
    await registerRobots(appClient(), [findDeal], { handler: HANDLER });
    await registerRobots(appClient(), [findDeal], { handler: 'https://new.example.com/b24' });
    expect(portal.bizproc.robots.get('find_deal')?.fields.HANDLER).toBe('https://new.example.com/b24');
  });

  it("surfaces the portal's refusals as B24RestError: a webhook cannot register robots", async () => {
    const webhookClient = createRestClient({ webhook: portal.webhookUrl, retries: 0 });
    await expect(registerRobots(webhookClient, [findDeal], { handler: HANDLER })).rejects.toMatchObject({ name: 'B24RestError', code: 'ACCESS_DENIED' });
    expect(portal.bizproc.robots.size).toBe(0);
  });

  it('refuses a missing handler URL and a code given twice before calling the portal', async () => {
    await expect(registerRobots(appClient(), [findDeal], {} as never)).rejects.toThrow(/handler/);
    await expect(registerRobots(appClient(), [findDeal], { handler: 'not a url' })).rejects.toThrow(/absolute URL/);
    await expect(registerRobots(appClient(), [findDeal, findDeal], { handler: HANDLER })).rejects.toThrow(/given twice/);
    expect(portal.calls).toEqual([]);
  });
});
