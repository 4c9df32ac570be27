/**
 * Robot calls end to end over real HTTP: the fake portal posts a call to a real server (Express,
 * Koa, Nest), the handler runs, and the real REST client answers the portal with
 * bizproc.event.send. Each framework runs the same scenarios; only how it is started differs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReceiver, defineRobot, type B24RobotCall, type B24RobotDefinition, type Receiver } from '@b24hooks/core';
import { createRestFactory, createRestClient, registerRobots } from '@b24hooks/rest';
import { createFakePortal, type FakePortal } from '@b24hooks/testing';

export const EVERY_TYPE = defineRobot({
  code: 'every_type',
  name: 'Every property type',
  properties: {
    phone: { type: 'string', required: true },
    note: { type: 'text' },
    tries: { type: 'int' },
    ratio: { type: 'double' },
    notify: { type: 'bool' },
    due: { type: 'date' },
    at: { type: 'datetime' },
    channel: { type: 'select', options: { sms: 'SMS', mail: 'E-mail' } },
    owner: { type: 'user' },
    tags: { type: 'string', multiple: true },
    scores: { type: 'int', multiple: true },
  },
  returnProperties: {
    dealId: { type: 'int', required: true },
    found: { type: 'bool' },
    missing: { type: 'bool' },
    echo: { type: 'text' },
    ids: { type: 'int', multiple: true },
  },
});

export const FAILING = defineRobot({ code: 'always_fails', name: 'Always fails', properties: { secret: { type: 'string' } } });

export type RobotHandlerEntry = readonly [B24RobotDefinition, (call: B24RobotCall<any>) => unknown];

/** What a framework's start function gets: a receiver (with `rest`), and the robots to answer its own way. */
export interface RobotAppSetup {
  receiver: Receiver;
  robots: readonly RobotHandlerEntry[];
}

export interface RunningRobotApp {
  /** The URL the b24hooks route is mounted on. */
  url: string;
  close(): Promise<void>;
}

export function describeRobotScenarios(name: string, start: (setup: RobotAppSetup) => Promise<RunningRobotApp>): void {
  describe(`${name}: robot calls against the fake portal`, () => {
    let portal: FakePortal;
    let app: RunningRobotApp;
    const seen: B24RobotCall<any>[] = [];
    const errors: Array<{ message: string; code: string | undefined }> = [];
    const logged: string[] = [];
    const logger = { warn: (message: string, details?: object) => void logged.push(`${message} ${JSON.stringify(details)}`), error: (message: string, details?: object) => void logged.push(`${message} ${JSON.stringify(details)}`) };
    const tokens: string[] = [];

    beforeAll(async () => {
      portal = await createFakePortal({ rateLimit: false });
      const rest = createRestFactory({ app: portal.app, oauthServer: portal.oauthServer, retries: 0 });
      const receiver = createReceiver({ token: portal.applicationToken, rest, logger }).onError((error, _event, call) => {
        errors.push({ message: error.message, code: call?.code });
      });
      app = await start({
        receiver,
        robots: [
          [
            EVERY_TYPE,
            (call: B24RobotCall<any>) => {
              seen.push(call);
              return { dealId: 7, found: true, missing: false, echo: call.properties.note, ids: [1, 2] };
            },
          ],
          [
            FAILING,
            () => {
              throw new Error('CRM is down (password hunter2)');
            },
          ],
        ],
      });
    });
    afterAll(async () => {
      await app?.close();
      await portal?.close();
    });

    // Every posted call's event token, checked against the log lines at the end.
    async function post(...args: Parameters<FakePortal['postRobot']>) {
      const posted = await portal.postRobot(...args);
      tokens.push(posted.eventToken);
      return posted;
    }
    beforeEach(() => {
      seen.length = 0;
      errors.length = 0;
      portal.calls.length = 0;
      portal.bizproc.replies.length = 0;
      portal.bizproc.log.length = 0;
    });

    it('a call with every property type, multi-value and multi-line values: typed for the handler, answered with its values', async () => {
      // Each value as the handler should see it, which is also how a test may give it to buildRobotBody.
      const values = {
        phone: '+49 30 1234567',
        note: 'first line\nsecond line\r\nthird: € & 100%',
        tries: 3,
        ratio: 2.5,
        notify: true,
        due: '24.12.2026',
        at: '24.12.2026 18:30:00',
        channel: 'mail',
        owner: 'user_17',
        tags: ['vip', 'berlin'],
        scores: [1, 20],
      };
      const posted = await post(app.url, EVERY_TYPE, values);
      expect(posted.status).toBe(200);
      expect(posted.body).toEqual({ ok: true });
      expect(seen).toHaveLength(1);
      const call = seen[0]!;
      expect(call.properties).toEqual(values);
      expect(call).toMatchObject({ code: 'every_type', kind: 'robot', useSubscription: true, document: { module: 'crm', entity: 'CCrmDocumentDeal', id: 'DEAL_18' } });
      expect(call.portal.memberId).toBe(portal.memberId);
      expect(call.eventToken).toBe(posted.eventToken);
      expect(JSON.stringify(call)).not.toContain(posted.eventToken);

      const reply = portal.bizproc.replyTo(posted.eventToken);
      expect(reply).toMatchObject({ known: true, returnValues: { dealId: '7', found: 'Y', missing: 'N', echo: 'first line\nsecond line\r\nthird: € & 100%', ids: ['1', '2'] } });
      const sent = portal.callsOf('bizproc.event.send');
      expect(sent).toHaveLength(1);
      // Sent as the application, with the call's own OAuth token, to the call's client_endpoint.
      expect(sent[0]!.auth).toMatchObject({ kind: 'oauth', accessToken: portal.tokens.accessToken });
    });

    it('a single value of a multiple property, and empty optional ones', async () => {
      await post(app.url, EVERY_TYPE, { phone: 'x', tags: 'only' });
      expect(seen[0]!.properties).toEqual({ phone: 'x', note: '', tags: ['only'], scores: [] });
      expect(portal.bizproc.replies[0]!.returnValues).toEqual({ dealId: '7', found: 'Y', missing: 'N', echo: '', ids: ['1', '2'] });
    });

    it('use_subscription Y and absent: the workflow waits, so it gets the reply; N: nothing is sent', async () => {
      const yes = await post(app.url, EVERY_TYPE, { phone: 'x' }, { useSubscription: 'Y' });
      const absent = await post(app.url, EVERY_TYPE, { phone: 'x' }, { useSubscription: null });
      const no = await post(app.url, EVERY_TYPE, { phone: 'x' }, { useSubscription: 'N' });
      expect([yes.status, absent.status, no.status]).toEqual([200, 200, 200]);
      expect(seen.map((call) => call.useSubscription)).toEqual([true, true, false]);
      expect(portal.bizproc.replyTo(yes.eventToken)).toBeDefined();
      expect(portal.bizproc.replyTo(absent.eventToken)).toBeDefined();
      expect(portal.bizproc.replyTo(no.eventToken)).toBeUndefined();
      expect(portal.bizproc.replies).toHaveLength(2);
    });

    it('a failing handler: 500 HANDLER_FAILED, one short bizproc.activity.log line without secrets, no reply', async () => {
      const posted = await post(app.url, FAILING, { secret: 'hunter2' });
      expect(posted.status).toBe(500);
      expect(posted.body).toMatchObject({ error: { code: 'HANDLER_FAILED' } });
      expect(posted.text).not.toContain('hunter2');
      expect(posted.text).not.toContain(posted.eventToken);
      expect(portal.bizproc.replies).toEqual([]);
      expect(portal.bizproc.log).toHaveLength(1);
      expect(portal.bizproc.log[0]).toMatchObject({ eventToken: posted.eventToken, message: expect.stringContaining('always_fails') });
      expect(portal.bizproc.log[0]!.message).not.toContain('hunter2');
      expect(portal.bizproc.log[0]!.message.length).toBeLessThan(200);
      expect(errors).toEqual([{ message: 'CRM is down (password hunter2)', code: 'always_fails' }]);
    });

    it('an unknown code: 404 UNKNOWN_ROBOT, nothing sent', async () => {
      const posted = await post(app.url, 'nobody_home', { x: '1' });
      expect(posted.status).toBe(404);
      expect(posted.body).toMatchObject({ error: { code: 'UNKNOWN_ROBOT' } });
      expect(portal.calls).toEqual([]);
    });

    it('a forged token: 401, no handler, nothing sent to the portal', async () => {
      const posted = await post(app.url, EVERY_TYPE, { phone: 'x' }, { token: 'f0rg3d0000000000000000000000000' });
      expect(posted.status).toBe(401);
      expect(posted.body).toMatchObject({ error: { code: 'TOKEN_MISMATCH' } });
      expect(seen).toEqual([]);
      expect(portal.calls).toEqual([]);
    });

    it('registration run twice leaves one robot per code pointing at this route, and the portal can call it', async () => {
      const client = createRestClient({
        auth: { ...portal.tokens, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, memberId: portal.memberId },
        app: portal.app,
        oauthServer: portal.oauthServer,
      });
      expect(await registerRobots(client, [EVERY_TYPE, FAILING], { handler: app.url })).toEqual({ added: ['every_type', 'always_fails'], updated: [] });
      const before = structuredClone([...portal.bizproc.robots.values()].map((robot) => robot.fields));
      expect(await registerRobots(client, [EVERY_TYPE, FAILING], { handler: app.url })).toEqual({ added: [], updated: ['every_type', 'always_fails'] });
      expect([...portal.bizproc.robots.values()].map((robot) => robot.fields)).toEqual(before);
      const handler = String(portal.bizproc.robots.get('every_type')!.fields.HANDLER);
      expect((await post(handler, EVERY_TYPE, { phone: 'x' })).status).toBe(200);
    });

    it('logged refusals and failures, but never a token', () => {
      expect(logged.join('\n')).toContain('UNKNOWN_ROBOT');
      for (const secret of [...tokens, portal.applicationToken, portal.tokens.accessToken, portal.tokens.refreshToken]) {
        expect(logged.join('\n')).not.toContain(secret);
      }
    });
  });
}
