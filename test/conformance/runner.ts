/**
 * The conformance checks every suite shares: receiver.handle's answers as the reference, a target
 * run over cases, and the check that what a body parser loses really differs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm } from '@b24hooks/core';
import {
  CASES,
  createCaseReceivers,
  dealUpdate,
  eventJson,
  FORM,
  hookPath,
  summarize,
  type Answer,
  type CaseReceiver,
  type ConformanceCase,
  type Expected,
  type ReceiverSetup,
} from './cases.js';
import { send } from './client.js';
import type { ConformanceTarget, RunningTarget } from './targets/index.js';


function lastEvent(receivers: Record<ReceiverSetup, CaseReceiver>, setup: ReceiverSetup): unknown {
  const events = receivers[setup].events;
  return events.length === 0 ? undefined : eventJson(events[events.length - 1]);
}

function clearEvents(receivers: Record<ReceiverSetup, CaseReceiver>): void {
  for (const item of Object.values(receivers)) item.events.length = 0;
}

function checkExpected(answer: Answer, expected: Expected, receivers: Record<ReceiverSetup, CaseReceiver>, setup: ReceiverSetup): void {
  expect(answer.status).toBe(expected.status);
  if (expected.code) {
    expect(answer.body).toEqual({ error: { code: expected.code, message: expect.any(String) } });
    expect(answer.event).toBeUndefined();
  } else {
    expect(answer.body).toEqual({ ok: true });
  }
  if (expected.event) {
    const events = receivers[setup].events;
    expect(events).toHaveLength(1);
    expect(summarize(events[0]!)).toMatchObject(expected.event);
  }
}

/** receiver.handle's answers are the reference every framework must reproduce. */
const reference = new Map<string, Answer>();

/** Computes the reference answers; call it before any `runTarget` in a test file. */
export function describeReference(cases: readonly ConformanceCase[] = CASES): void {
  const answerable = cases.filter((item) => item.expect !== 'no-answer');
  const handleReceivers = createCaseReceivers();
  describe('receiver.handle (the reference)', () => {
    it.each(answerable.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
      clearEvents(handleReceivers);
      const { request } = item;
      const result = await handleReceivers[item.setup].receiver.handle({
        method: request.method,
        contentType: request.headers['content-type'],
        body: request.body ?? '',
      });
      const answer: Answer = { status: result.status, body: result.body, event: lastEvent(handleReceivers, item.setup) };
      checkExpected(answer, item.expect as Expected, handleReceivers, item.setup);
      reference.set(item.name, answer);
    });
  });
}

/** Starts the target for the enclosing describe block, with fresh receivers. */
function serve(target: ConformanceTarget): { receivers: Record<ReceiverSetup, CaseReceiver>; running: () => RunningTarget } {
  const receivers = createCaseReceivers();
  let running: RunningTarget | undefined;
  beforeAll(async () => {
    running = await target.start(receivers);
  });
  afterAll(async () => {
    await running?.close();
  });
  return { receivers, running: () => running! };
}

/** Every case must get the answer (status, body, event) receiver.handle gives. */
export function runTarget(
  target: ConformanceTarget,
  cases: readonly ConformanceCase[],
  /** Applied to the target's answer and to the reference alike, for differences a set-up documents. */
  normalize: (answer: Answer) => Answer = (answer) => answer,
): void {
  describe(target.name, () => {
    const { receivers, running } = serve(target);

    it.each(cases.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
      clearEvents(receivers);
      const sent = await send(running().url, hookPath(item.setup), item.request);
      if (item.expect === 'no-answer') {
        // The server must neither crash nor hang, nor run a handler, and the next request must work.
        expect(sent).toBe('no-answer');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(receivers[item.setup].events).toHaveLength(0);
        const next = await send(running().url, hookPath(item.setup), { method: 'POST', headers: { 'content-type': FORM }, body: encodeForm(dealUpdate()) });
        expect(next).toMatchObject({ status: 200, body: { ok: true } });
        expect(receivers[item.setup].events).toHaveLength(1);
        return;
      }
      if (sent === 'no-answer') throw new Error('no answer');
      const answer: Answer = { status: sent.status, body: sent.body, event: lastEvent(receivers, item.setup) };
      checkExpected(answer, item.expect, receivers, item.setup);
      const expected = reference.get(item.name);
      if (expected) expect(normalize(answer)).toEqual(normalize(expected));
      if (item.request.transfer?.kind === 'announce') expect(sent.sentBytes).toBeLessThan(Buffer.byteLength(item.request.body ?? ''));
    });
  });
}

/** The cases a body parser is said to lose must really get another answer than the reference. */
export function runLost(target: ConformanceTarget, lost: readonly ConformanceCase[]): void {
  // An early-answer case would wait for ever: body-parser reads the whole body before it refuses it.
  const cases = lost.filter((item) => item.request.transfer?.kind !== 'announce');
  if (cases.length === 0) return;
  describe(target.name, () => {
    const { receivers, running } = serve(target);
    it.each(cases.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
      clearEvents(receivers);
      const sent = await send(running().url, hookPath(item.setup), item.request);
      if (sent === 'no-answer') throw new Error('no answer');
      const answer: Answer = { status: sent.status, body: sent.body, event: lastEvent(receivers, item.setup) };
      expect(answer).not.toEqual(reference.get(item.name));
    });
  });
}
