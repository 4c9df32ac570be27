import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defineRobot, isRobotCallForm, parseForm, toRobotCall } from '@b24hooks/core';
import { ACCESS_TOKEN, MEMBER_ID, TOKEN } from '../support.js';
import { EVENT_TOKEN, findDeal, robotBody } from './support.js';

const callOf = (options: Parameters<typeof robotBody>[0] = {}, definition = findDeal) => toRobotCall(parseForm(robotBody(options)), definition);

describe('toRobotCall', () => {
  it('splits the document, keeps the envelope and the portal', () => {
    const call = callOf();
    expect(call).toMatchObject({
      kind: 'robot',
      code: 'find_deal',
      workflowId: '67a1d3b0c2d1e4.12345678',
      document: { module: 'crm', entity: 'CCrmDocumentDeal', id: 'DEAL_18' },
      documentType: ['crm', 'CCrmDocumentDeal', 'DEAL'],
      useSubscription: true,
      portal: { domain: 'some-domain.bitrix24.com', memberId: MEMBER_ID },
    });
    expect(call.eventToken).toBe(EVENT_TOKEN);
    expect(call.timestamp).toBeInstanceOf(Date);
    expect(call.auth?.accessToken).toBe(ACCESS_TOKEN);
    expect(call.raw.event_token).toBe(EVENT_TOKEN);
    expect('timeoutSeconds' in call).toBe(false);
    expect(call.problems).toBeUndefined();
  });

  it('coerces every property type, lists and multi-line text', () => {
    const call = callOf({
      properties: {
        phone: '+49 30 1234567',
        note: 'line one\nline two\r\nline three & more',
        tries: '3',
        ratio: '2.5',
        notify: 'Y',
        due: '24.12.2026',
        at: '24.12.2026 18:30:00',
        channel: 'sms',
        owner: 'user_17',
        tags: ['vip', 'berlin'],
        scores: ['1', '20'],
        extra: 'kept as sent',
      },
    });
    expect(call.properties).toEqual({
      phone: '+49 30 1234567',
      note: 'line one\nline two\r\nline three & more',
      tries: 3,
      ratio: 2.5,
      notify: true,
      due: '24.12.2026',
      at: '24.12.2026 18:30:00',
      channel: 'sms',
      owner: 'user_17',
      tags: ['vip', 'berlin'],
      scores: [1, 20],
      extra: 'kept as sent',
    });
    expect(callOf({ properties: { phone: 'x', notify: 'N', ratio: '0,75' } }).properties).toMatchObject({ notify: false, ratio: 0.75 });
  });

  it('a single value of a multiple property becomes a list; absent ones an empty list', () => {
    const call = callOf({ properties: { phone: 'x', tags: 'only' } });
    expect(call.properties.tags).toEqual(['only']);
    expect(call.properties.scores).toEqual([]);
    expect('tries' in call.properties).toBe(false);
  });

  it('keeps what does not coerce as sent and names it in problems; a missing required one too', () => {
    const call = callOf({ properties: { tries: 'many', notify: 'maybe', scores: ['1', 'x'] } });
    expect(call.properties).toMatchObject({ tries: 'many', notify: 'maybe', scores: [1, 'x'] });
    expect(call.problems).toEqual([
      'properties[phone] is missing',
      'properties[tries] should be int',
      'properties[notify] should be bool',
      'properties[scores][1] should be int',
    ]);
  });

  it('empty numbers and booleans are absent; empty strings stay', () => {
    const call = callOf({ properties: { phone: '', tries: '', notify: '', note: '' } });
    expect(call.properties).toEqual({ phone: '', note: '', tags: [], scores: [] });
  });

  it('use_subscription: true for Y, empty or absent; false only for N', () => {
    expect(callOf({ useSubscription: 'Y' }).useSubscription).toBe(true);
    expect(callOf({ useSubscription: '' }).useSubscription).toBe(true);
    expect(callOf({ useSubscription: undefined }).useSubscription).toBe(true);
    expect(callOf({ useSubscription: 'N' }).useSubscription).toBe(false);
  });

  it('timeoutSeconds from timeout_duration, absent when 0', () => {
    expect(callOf({ timeout: 3600 }).timeoutSeconds).toBe(3600);
    expect(callOf({ timeout: 0 }).timeoutSeconds).toBeUndefined();
  });

  it('without a definition: kind robot, properties as sent', () => {
    const call = toRobotCall(parseForm(robotBody({ properties: { tries: '3', tags: ['a'] } })));
    expect(call.kind).toBe('robot');
    expect(call.properties).toEqual({ tries: '3', tags: ['a'] });
    const activity = defineRobot({ code: 'find_deal', name: 'x', kind: 'activity' });
    expect(toRobotCall(parseForm(robotBody()), activity).kind).toBe('activity');
  });

  it('hides event_token and the OAuth tokens from JSON, util.inspect and spread copies', () => {
    const call = callOf();
    for (const text of [JSON.stringify(call), inspect(call, { depth: 10 }), JSON.stringify({ ...call }), inspect({ ...call }, { depth: 10 })]) {
      expect(text).not.toContain(EVENT_TOKEN);
      expect(text).not.toContain(ACCESS_TOKEN);
      expect(text).not.toContain(TOKEN);
    }
    expect(JSON.parse(JSON.stringify(call)).eventToken).toBe('[redacted]');
    expect(inspect(call)).toContain('find_deal');
  });

  it('recognises robot forms and refuses what is not one', () => {
    const form = parseForm(robotBody());
    expect(isRobotCallForm(form)).toBe(true);
    expect(isRobotCallForm({ ...form, event: 'ONCRMDEALUPDATE' })).toBe(false);
    expect(() => toRobotCall({ ...form, event: 'X' })).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
    const { code: _code, ...noCode } = form;
    expect(() => toRobotCall(noCode)).toThrow(/no code field/);
    const { ts: _ts, ...noTs } = form;
    expect(() => toRobotCall(noTs)).toThrow(/no ts field/);
  });
});

describe('defineRobot', () => {
  it('fills the defaults and freezes the definition', () => {
    const robot = defineRobot({ code: 'a.b-c_1', name: { en: 'A', de: 'A' } });
    expect(robot).toMatchObject({ kind: 'robot', useSubscription: true, properties: {}, returnProperties: {} });
    expect(Object.isFrozen(robot)).toBe(true);
  });

  it('refuses what Bitrix24 would refuse at registration, saying what is wrong', () => {
    expect(() => defineRobot({ code: 'with space', name: 'x' })).toThrow(/code must be/);
    expect(() => defineRobot({ code: 'ok', name: '' })).toThrow(/name must be/);
    expect(() => defineRobot({ code: 'ok', name: 'x', kind: 'job' as 'robot' })).toThrow(/kind must be/);
    expect(() => defineRobot({ code: 'ok', name: 'x', properties: { '1st': { type: 'string' } } })).toThrow(/starts with a letter/);
    expect(() => defineRobot({ code: 'ok', name: 'x', properties: { a: { type: 'float' as 'double' } } })).toThrow(/type must be one of/);
    expect(() => defineRobot({ code: 'ok', name: 'x', properties: { a: { type: 'select' } } })).toThrow(/give it options/);
  });
});
