import { describe, expect, it } from 'vitest';
import { createReceiver, toRobotCall, type B24HandoffItem, type B24RobotCall } from '@b24hooks/core';
import { ACCESS_TOKEN, MEMBER_ID, TOKEN, memoryLogger, post } from '../support.js';
import { EVENT_TOKEN, findDeal, recordingRest, robotBody } from './support.js';

function setup(enqueue: (item: B24HandoffItem) => Promise<void>, ack?: 'before-handlers') {
  const { rest, calls } = recordingRest();
  const ran: B24RobotCall<any>[] = [];
  const told: Error[] = [];
  const toldCalls: Array<B24RobotCall | undefined> = [];
  const logger = memoryLogger();
  const receiver = createReceiver({ token: TOKEN, rest, handoff: { enqueue }, logger, ...(ack ? { ack } : {}) })
    .onRobot(findDeal, (call) => {
      ran.push(call);
      return { dealId: 1, found: true };
    })
    .onError((error, _event, call) => {
      told.push(error);
      toldCalls.push(call);
    });
  return { receiver, calls, ran, told, toldCalls, logger };
}

describe('receiver.handle with handoff: robot calls', () => {
  for (const ack of [undefined, 'before-handlers'] as const) {
    it(`hands a verified call off as kind 'robot', keeping event_token and the OAuth tokens (ack: ${ack ?? 'after-handlers'})`, async () => {
      const items: B24HandoffItem[] = [];
      const { receiver, calls, ran } = setup(async (item) => void items.push(item), ack);
      const before = Date.now();
      const result = await receiver.handle(post(robotBody()));
      expect(result).toMatchObject({ status: 200, body: { ok: true } });
      expect(result.robotCall?.code).toBe('find_deal');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(ran).toEqual([]);
      expect(calls).toEqual([]);
      expect(items).toHaveLength(1);
      const [item] = items;
      expect(item).toMatchObject({ kind: 'robot', name: 'find_deal', memberId: MEMBER_ID });
      expect(item!.receivedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(item!.form.event_token).toBe(EVENT_TOKEN);
      expect(item!.form.auth).toMatchObject({ access_token: ACCESS_TOKEN });
      const stored = JSON.stringify(item);
      expect(stored).not.toContain('application_token');
      expect(stored).not.toContain(TOKEN);
      // What a worker does with it: the same typed call, without a second token check.
      expect(toRobotCall(item!.form)).toMatchObject({ code: 'find_deal', eventToken: EVENT_TOKEN, document: { id: 'DEAL_18' } });
    });
  }

  it('answers an unknown code 404 UNKNOWN_ROBOT in the request and hands nothing off', async () => {
    const items: B24HandoffItem[] = [];
    const { receiver } = setup(async (item) => void items.push(item));
    expect(await receiver.handle(post(robotBody({ code: 'nobody_home' })))).toMatchObject({ status: 404, error: { code: 'UNKNOWN_ROBOT' } });
    expect(items).toEqual([]);
  });

  it('answers 503 HANDOFF_FAILED when enqueue rejects, tells onError, runs no handler', async () => {
    const { receiver, ran, told, toldCalls, calls, logger } = setup(async () => {
      throw new Error('Redis is away');
    });
    const result = await receiver.handle(post(robotBody()));
    expect(result).toMatchObject({ status: 503, body: { error: { code: 'HANDOFF_FAILED' } } });
    expect(JSON.stringify(result.body)).not.toContain(EVENT_TOKEN);
    expect(told.map((error) => (error as { code?: string }).code)).toEqual(['HANDOFF_FAILED']);
    // onError and the log line say which robot call was lost, never its tokens.
    expect(toldCalls.map((call) => call?.code)).toEqual(['find_deal']);
    const errors = logger.lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.message)).toEqual(['b24hooks could not hand a robot call off to its queue']);
    expect(errors[0]!.details).toMatchObject({ robot: 'find_deal', memberId: MEMBER_ID });
    expect(JSON.stringify(logger.lines)).not.toContain(EVENT_TOKEN);
    expect(ran).toEqual([]);
    expect(calls).toEqual([]);
  });
});
