import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createReceiver, defineRobot, parseForm, toRobotCall, type B24RobotCall } from '@b24hooks/core';
import { MEMBER_ID, TOKEN, memoryLogger, post } from '../support.js';
import { EVENT_TOKEN, authBlock, findDeal, recordingRest, robotBody } from './support.js';

function setup(options: { fail?: (method: string) => Error | undefined } = {}) {
  const { rest, calls } = recordingRest(options.fail);
  const logger = memoryLogger();
  const errors: Array<{ error: Error; delivery: unknown }> = [];
  const receiver = createReceiver({ token: TOKEN, rest, logger }).onError((error, event, robotCall) => {
    errors.push({ error, delivery: event ?? robotCall });
  });
  return { receiver, calls, logger, errors };
}

describe('receiver.handle: robot calls', () => {
  it('verifies, runs the handler and answers the workflow with bizproc.event.send', async () => {
    const { receiver, calls } = setup();
    let seen: { properties: unknown } | undefined;
    receiver.onRobot(findDeal, async (call) => {
      seen = call;
      return { dealId: 7, found: true };
    });
    const result = await receiver.handle(post(robotBody({ properties: { phone: '+1', tries: '2' } })));
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    expect(result.event).toBeUndefined();
    expect(result.robotCall?.code).toBe('find_deal');
    expect(seen?.properties).toMatchObject({ phone: '+1', tries: 2 });
    expect(calls).toEqual([
      { method: 'bizproc.event.send', params: { EVENT_TOKEN, RETURN_VALUES: { dealId: 7, found: 'Y' } }, memberId: MEMBER_ID },
    ]);
  });

  it('sends only declared return values, lists as lists, false as N, and warns once about the rest', async () => {
    const { receiver, calls, logger } = setup();
    const robot = defineRobot({
      code: 'find_deal',
      name: 'x',
      returnProperties: { ids: { type: 'int', multiple: true }, found: { type: 'bool' }, note: { type: 'text' } },
    });
    receiver.onRobot(robot, () => ({ ids: [1, 2], found: false, note: undefined, secret: 'x' }) as never);
    await receiver.handle(post(robotBody()));
    await receiver.handle(post(robotBody()));
    expect(calls[0]!.params).toEqual({ EVENT_TOKEN, RETURN_VALUES: { ids: [1, 2], found: 'N' } });
    expect(logger.lines.filter((line) => line.message.includes('does not declare'))).toHaveLength(1);
  });

  it('sends nothing when the workflow does not wait (use_subscription N)', async () => {
    const { receiver, calls } = setup();
    let ran = false;
    receiver.onRobot(findDeal, () => {
      ran = true;
      return { found: true };
    });
    expect((await receiver.handle(post(robotBody({ useSubscription: 'N' })))).status).toBe(200);
    expect(ran).toBe(true);
    expect(calls).toEqual([]);
  });

  it('a failing handler: onError told, a short bizproc.activity.log line, nothing sent, 500', async () => {
    const { receiver, calls, errors } = setup();
    receiver.onRobot(findDeal, () => {
      throw new Error(`database down (password hunter2, token ${EVENT_TOKEN})`);
    });
    const result = await receiver.handle(post(robotBody()));
    expect(result).toMatchObject({ status: 500, body: { error: { code: 'HANDLER_FAILED' } } });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error.message).toContain('database down');
    expect((errors[0]!.delivery as B24RobotCall).code).toBe('find_deal');
    expect(calls.map((call) => call.method)).toEqual(['bizproc.activity.log']);
    const line = String(calls[0]!.params!.LOG_MESSAGE);
    expect(calls[0]!.params!.EVENT_TOKEN).toBe(EVENT_TOKEN);
    expect(line).toContain('find_deal');
    expect(line).not.toContain('hunter2');
    expect(line.length).toBeLessThan(200);
    expect(JSON.stringify(result.body)).not.toContain(EVENT_TOKEN);
  });

  it('a failing reply is a failure too: onError told, 500', async () => {
    const { receiver, errors } = setup({ fail: (method) => (method === 'bizproc.event.send' ? new Error('portal down') : undefined) });
    receiver.onRobot(findDeal, () => ({ found: true }));
    const result = await receiver.handle(post(robotBody()));
    expect(result).toMatchObject({ status: 500, body: { error: { code: 'HANDLER_FAILED' } } });
    expect(result.body).toMatchObject({ error: { message: expect.stringContaining('bizproc.event.send') } });
    expect(errors.map((entry) => entry.error.message)).toEqual(['portal down']);
  });

  it('404 UNKNOWN_ROBOT for a verified call whose code has no handler, logged with the code', async () => {
    const { receiver, calls, logger } = setup();
    receiver.onRobot(findDeal, () => ({ found: true }));
    const result = await receiver.handle(post(robotBody({ code: 'nobody_home' })));
    expect(result).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_ROBOT', message: expect.stringContaining('nobody_home') } } });
    expect(calls).toEqual([]);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', details: expect.objectContaining({ code: 'UNKNOWN_ROBOT', robot: 'nobody_home', memberId: MEMBER_ID }) }),
    ]);
    expect(logger.text()).not.toContain(EVENT_TOKEN);
  });

  it('a forged token is 401 before any handler, and nothing reaches the portal', async () => {
    const { receiver, calls } = setup();
    let ran = false;
    receiver.onRobot(findDeal, () => {
      ran = true;
      return { found: true };
    });
    const forged = await receiver.handle(post(robotBody({ auth: authBlock({ application_token: 'forged' }) })));
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'TOKEN_MISMATCH' } } });
    const unknownCode = await receiver.handle(post(robotBody({ code: 'nobody_home', auth: authBlock({ application_token: 'forged' }) })));
    expect(unknownCode.status).toBe(401);
    const { application_token: _token, ...noToken } = authBlock();
    expect((await receiver.handle(post(robotBody({ auth: noToken })))).status).toBe(401);
    expect(ran).toBe(false);
    expect(calls).toEqual([]);
  });

  it('with a token store: robots of a stored portal pass, an unknown portal is 401, never an install', async () => {
    const { rest, calls } = recordingRest();
    const tokenStore = createMemoryTokenStore();
    const receiver = createReceiver({ tokenStore, install: 'trust-first-use', rest });
    receiver.onRobot(findDeal, () => ({ found: true }));
    expect((await receiver.handle(post(robotBody()))).status).toBe(401);
    await tokenStore.set(MEMBER_ID, TOKEN);
    expect((await receiver.handle(post(robotBody()))).status).toBe(200);
    expect((await receiver.handle(post(robotBody({ auth: authBlock({ application_token: 'other' }) })))).status).toBe(401);
    expect(calls).toHaveLength(1);
  });

  it('accepts the same call as JSON and as an already-parsed body', async () => {
    const { receiver, calls } = setup();
    receiver.onRobot(findDeal, () => ({ found: true }));
    const form = parseForm(robotBody());
    expect((await receiver.handle(post(JSON.stringify(form), 'application/json'))).status).toBe(200);
    expect((await receiver.handle(post(form))).status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('runs with dispatch: false too (onRobot is the only way to answer a call)', async () => {
    const { receiver, calls } = setup();
    receiver.onRobot(findDeal, () => ({ found: true }));
    const result = await receiver.handle(post(robotBody()), { dispatch: false });
    expect(result.status).toBe(200);
    expect(result.robotCall).toBeDefined();
    expect(calls).toHaveLength(1);
  });

  it("ack: 'before-handlers' answers first and still replies", async () => {
    const { rest, calls } = recordingRest();
    const receiver = createReceiver({ token: TOKEN, rest, ack: 'before-handlers' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    receiver.onRobot(findDeal, async () => {
      await gate;
      return { found: true };
    });
    expect((await receiver.handle(post(robotBody()))).status).toBe(200);
    expect(calls).toHaveLength(0);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toHaveLength(1);
  });

  it('an event body is still an event; a robot form without code is INVALID_EVENT', async () => {
    const { receiver } = setup();
    receiver.onRobot('find_deal', () => undefined);
    const noCode = robotBody().replace(/&code=find_deal/, '');
    expect(await receiver.handle(post(noCode))).toMatchObject({ status: 400, body: { error: { code: 'INVALID_EVENT' } } });
  });
});

describe('receiver.onRobot and receiveRobot', () => {
  it('a robot handler without rest is a TypeError at onRobot', () => {
    const receiver = createReceiver({ token: TOKEN });
    expect(() => receiver.onRobot(findDeal, () => ({ found: true }))).toThrow(TypeError);
    expect(() => receiver.onRobot('find_deal', () => undefined)).toThrow(/createReceiver\(\{ rest \}\)/);
  });

  it('refuses a second handler for a code, a non-function and a bad rest option', () => {
    const { receiver } = setup();
    receiver.onRobot(findDeal, () => ({ found: true }));
    expect(() => receiver.onRobot('find_deal', () => undefined)).toThrow(/already has a handler/);
    expect(() => receiver.onRobot('other', 'nope' as never)).toThrow(TypeError);
    expect(() => createReceiver({ token: TOKEN, rest: {} as never })).toThrow(/rest must be a function/);
  });

  it('receiveRobot runs a call rebuilt from a queued form, typed by the registered definition', async () => {
    const { receiver, calls } = setup();
    const seen: unknown[] = [];
    receiver.onRobot(findDeal, (call) => {
      seen.push(call.properties.tries);
      return { found: true };
    });
    await receiver.receiveRobot(toRobotCall(parseForm(robotBody({ properties: { phone: 'x', tries: '4' } }))));
    expect(seen).toEqual([4]);
    expect(calls).toHaveLength(1);
    await expect(receiver.receiveRobot(toRobotCall(parseForm(robotBody({ code: 'other' }))))).rejects.toMatchObject({ code: 'UNKNOWN_ROBOT' });
  });

  it('receiveRobot with report: false (an attempt a queue retries) tells neither onError nor the workflow log', async () => {
    const { receiver, calls, errors } = setup();
    let attempts = 0;
    receiver.onRobot(findDeal, () => {
      attempts++;
      if (attempts === 1) throw new Error('transient');
      return { found: true };
    });
    const call = toRobotCall(parseForm(robotBody()));
    await expect(receiver.receiveRobot(call, { report: false })).rejects.toMatchObject({ code: 'HANDLER_FAILED' });
    expect(errors).toEqual([]);
    expect(calls).toEqual([]);
    await receiver.receiveRobot(call, { report: false });
    expect(calls.map((entry) => entry.method)).toEqual(['bizproc.event.send']);
  });
});
