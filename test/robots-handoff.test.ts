/**
 * Robot calls with a durable hand-off, end to end: the fake portal posts a call over real HTTP to
 * an Express app whose receiver hands off to a BullMQ queue on a real Redis; a worker runs the
 * robot handler and answers the portal with bizproc.event.send through the real REST client.
 */
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQueue, type B24Queue } from '@b24hooks/bullmq';
import { createReceiver, defineRobot, type B24RestFactory, type B24RobotCall, type Receiver, type ReceiverOptions } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import { createRestFactory } from '@b24hooks/rest';
import { createFakePortal, type FakePortal } from '@b24hooks/testing';
import { listen, type RunningTarget } from './conformance/targets/types.js';
import { freePort, startRedisServer, type RedisServer } from './support/redis-server.js';
import { FAST_WORKER, tempDir, waitFor } from '../packages/bullmq/test/helpers.js';

const FIND_DEAL = defineRobot({
  code: 'find_deal',
  name: 'Find deal by phone',
  properties: { phone: { type: 'string', required: true } },
  returnProperties: { dealId: { type: 'int' }, found: { type: 'bool' } },
});

let redis: RedisServer;
let portal: FakePortal;
let rest: B24RestFactory;
let queues = 0;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  portal = await createFakePortal({ rateLimit: false });
  rest = createRestFactory({ app: portal.app, oauthServer: portal.oauthServer, retries: 0 });
});
afterAll(async () => {
  await portal?.close();
  await redis?.stop();
});
beforeEach(() => {
  portal.calls.length = 0;
  portal.bizproc.replies.length = 0;
  portal.bizproc.log.length = 0;
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function queueFor(options: Partial<Parameters<typeof createQueue>[0]> = {}): B24Queue {
  const queue = createQueue({ connection: redis.url, name: `robot-handoff-${process.pid}-${++queues}`, ...options });
  closers.push(() => queue.close());
  return queue;
}

/** The web process: it verifies and enqueues; its own robot handler must never run. */
async function frontFor(handoff: B24Queue, extra: Partial<ReceiverOptions> = {}): Promise<{ url: string; front: Receiver }> {
  const front = createReceiver({ token: portal.applicationToken, rest, handoff, ...extra }).onRobot(FIND_DEAL, () => {
    throw new Error('the web process ran a robot handler although the call was handed off');
  });
  const app = express();
  app.post('/b24', b24hooks(front));
  const running: RunningTarget = await listen(app);
  closers.push(running.close);
  return { url: `${running.url}/b24`, front };
}

/** The worker process's receiver: same token set-up, its own handler and onError. */
function workerReceiver(handler: (call: B24RobotCall<any>) => unknown) {
  const errors: Array<{ message: string; code: string | undefined; logLines: number }> = [];
  const receiver = createReceiver({ token: portal.applicationToken, rest })
    .onRobot(FIND_DEAL, handler as never)
    .onError((error, _event, call) => void errors.push({ message: error.message, code: call?.code, logLines: portal.bizproc.log.length }));
  return { receiver, errors };
}

describe('robot calls with handoff: answered 200 once queued, handled and answered by a worker', () => {
  it('enqueues the call without the application token, answers 200 before the handler runs, and the worker replies with the call\'s event token', async () => {
    const queue = queueFor();
    const { url } = await frontFor(queue);
    const posted = await portal.postRobot(url, FIND_DEAL, { phone: '+49 30 1234567' });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ ok: true });
    expect(portal.calls).toEqual([]);

    // No worker yet: the call waits in Redis, as the queue's job.
    const [job] = await queue.bullmq.getWaiting();
    expect(job!.data).toMatchObject({ kind: 'robot', name: 'find_deal', memberId: portal.memberId });
    const stored = JSON.stringify(job!.data);
    expect(stored).not.toContain('application_token');
    expect(stored).not.toContain(portal.applicationToken);
    expect(job!.data.form.event_token).toBe(posted.eventToken);
    expect((job!.data.form.auth as Record<string, string>).access_token).toBe(portal.tokens.accessToken);

    const seen: B24RobotCall<any>[] = [];
    const { receiver, errors } = workerReceiver((call) => {
      seen.push(call);
      return { dealId: 7, found: true };
    });
    const worker = queue.work(receiver, { worker: FAST_WORKER });
    closers.push(() => worker.close());
    const reply = await waitFor(() => portal.bizproc.replyTo(posted.eventToken), 'the reply');
    expect(reply).toMatchObject({ known: true, returnValues: { dealId: '7', found: 'Y' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'find_deal', kind: 'robot', properties: { phone: '+49 30 1234567' }, useSubscription: true });
    expect(seen[0]!.eventToken).toBe(posted.eventToken);
    const sent = portal.callsOf('bizproc.event.send');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params).toMatchObject({ EVENT_TOKEN: posted.eventToken, RETURN_VALUES: { dealId: '7', found: 'Y' } });
    expect(sent[0]!.auth).toMatchObject({ kind: 'oauth', accessToken: portal.tokens.accessToken });
    await waitFor(async () => (await queue.stats()).completed === 1, 'the job to complete');
    expect(errors).toEqual([]);
  });

  it('a handler that fails once and then succeeds: one reply, no workflow log line, onError not told', async () => {
    const queue = queueFor();
    const { url } = await frontFor(queue);
    let runs = 0;
    const { receiver, errors } = workerReceiver(() => {
      if (++runs === 1) throw new Error('CRM busy');
      return { dealId: 8, found: false };
    });
    const worker = queue.work(receiver, { attempts: 3, backoff: { type: 'fixed', delay: 50 }, worker: FAST_WORKER });
    closers.push(() => worker.close());
    const posted = await portal.postRobot(url, FIND_DEAL, { phone: 'x' });
    expect(posted.status).toBe(200);
    await waitFor(async () => (await queue.stats()).completed === 1, 'the job to complete');
    expect(runs).toBe(2);
    expect(portal.bizproc.replies).toHaveLength(1);
    expect(portal.bizproc.replyTo(posted.eventToken)).toMatchObject({ returnValues: { dealId: '8', found: 'N' } });
    expect(portal.bizproc.log).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a handler that always fails: retried with backoff, the log line and onError only after the last attempt, nothing sent, no secret stored', async () => {
    const queue = queueFor();
    const { url } = await frontFor(queue);
    const runs: Array<{ at: number; logLines: number; errors: number }> = [];
    const { receiver, errors } = workerReceiver((call) => {
      runs.push({ at: Date.now(), logLines: portal.bizproc.log.length, errors: errors.length });
      // A careless handler that repeats the event token: neither BullMQ nor the log may keep it.
      throw new Error(`no deal for ${call.eventToken}`);
    });
    const worker = queue.work(receiver, { attempts: 3, backoff: { type: 'fixed', delay: 100 }, worker: FAST_WORKER });
    closers.push(() => worker.close());
    const posted = await portal.postRobot(url, FIND_DEAL, { phone: 'x' });
    expect(posted.status).toBe(200);
    await waitFor(async () => (await queue.stats()).failed === 1, 'the job to fail for good');
    await waitFor(() => portal.bizproc.log.length === 1, 'the workflow log line');

    expect(runs).toHaveLength(3);
    expect(runs.every((run) => run.logLines === 0 && run.errors === 0)).toBe(true);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(90);
    expect(runs[2]!.at - runs[1]!.at).toBeGreaterThanOrEqual(90);
    expect(errors).toEqual([{ message: `no deal for ${posted.eventToken}`, code: 'find_deal', logLines: 0 }]);
    expect(portal.bizproc.log[0]).toMatchObject({ eventToken: posted.eventToken, message: expect.stringContaining('find_deal') });
    expect(portal.bizproc.log[0]!.message).not.toContain(posted.eventToken);
    expect(portal.bizproc.replies).toEqual([]);
    expect(portal.callsOf('bizproc.event.send')).toEqual([]);

    const [failed] = await queue.bullmq.getFailed();
    expect(failed!.failedReason).toBe('find_deal: no deal for [redacted]');
    expect(JSON.stringify(failed!.stacktrace)).not.toContain(posted.eventToken);
    expect(JSON.stringify(await queue.failed())).not.toContain(posted.eventToken);
  });

  it('an unknown code is answered 404 UNKNOWN_ROBOT in the request and never queued', async () => {
    const queue = queueFor();
    const { url } = await frontFor(queue);
    const posted = await portal.postRobot(url, 'nobody_home', { x: '1' });
    expect(posted.status).toBe(404);
    expect(posted.body).toMatchObject({ error: { code: 'UNKNOWN_ROBOT' } });
    expect(await queue.stats()).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
  });

  it('a worker without a handler for the queued code fails the job at once and tells onError', async () => {
    const queue = queueFor();
    const { url } = await frontFor(queue);
    const posted = await portal.postRobot(url, FIND_DEAL, { phone: 'x' });
    expect(posted.status).toBe(200);
    const told: Array<{ code: string | undefined; robot: string | undefined }> = [];
    const stranger = createReceiver({ token: portal.applicationToken, rest }).onError(
      (error, _event, call) => void told.push({ code: (error as { code?: string }).code, robot: call?.code }),
    );
    const worker = queue.work(stranger, { attempts: 5, worker: FAST_WORKER });
    closers.push(() => worker.close());
    await waitFor(async () => (await queue.stats()).failed === 1, 'the job to fail');
    const [failed] = await queue.bullmq.getFailed();
    expect(failed!.attemptsMade).toBe(1);
    expect(told).toEqual([{ code: 'UNKNOWN_ROBOT', robot: 'find_deal' }]);
    expect(portal.bizproc.replies).toEqual([]);
  });

  it('a re-delivery of the same call is enqueued once; calls of other workflows are never coalesced', async () => {
    const queue = queueFor({ coalesce: true });
    const { url } = await frontFor(queue);
    const same = { eventToken: 'e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7', workflowId: '64f1c3a2b.1a2b', ts: 1732780800 };
    expect((await portal.postRobot(url, FIND_DEAL, { phone: 'x' }, same)).status).toBe(200);
    expect((await portal.postRobot(url, FIND_DEAL, { phone: 'x' }, same)).status).toBe(200);
    // Another workflow with the same properties: its own event token, so its own job and reply.
    const other = await portal.postRobot(url, FIND_DEAL, { phone: 'x' }, { workflowId: '64f1c3a2b.1a2b', ts: 1732780800 });
    expect(other.status).toBe(200);
    expect(await queue.stats()).toMatchObject({ waiting: 2, deduplicated: 1 });

    const { receiver } = workerReceiver(() => ({ dealId: 1, found: true }));
    const worker = queue.work(receiver, { worker: FAST_WORKER });
    closers.push(() => worker.close());
    await waitFor(() => portal.bizproc.replies.length === 2, 'both replies');
    expect(portal.bizproc.replies.map((reply) => reply.eventToken).sort()).toEqual([same.eventToken, other.eventToken].sort());
  });

  it('Redis down without spill: 503 HANDOFF_FAILED, onError told, nothing sent to the portal', async () => {
    const queue = queueFor({ connection: `redis://127.0.0.1:${await freePort()}`, enqueueTimeoutMs: 300 });
    const { url, front } = await frontFor(queue);
    const heard: string[] = [];
    front.onError((error) => void heard.push((error as { code?: string }).code ?? error.message));
    const posted = await portal.postRobot(url, FIND_DEAL, { phone: 'x' });
    expect(posted.status).toBe(503);
    expect(posted.body).toMatchObject({ error: { code: 'HANDOFF_FAILED', message: expect.stringContaining('find_deal') } });
    expect(posted.text).not.toContain(posted.eventToken);
    expect(heard).toEqual(['HANDOFF_FAILED']);
    expect(portal.calls).toEqual([]);
  });

  it('Redis down with spill: { dir }: 200 once journaled, then the worker replies when Redis is back', async () => {
    const own = await startRedisServer();
    const { dir, remove } = tempDir();
    closers.push(async () => remove());
    closers.push(() => own.stop());
    await own.stop();
    const queue = queueFor({ connection: own.url, spill: { dir }, enqueueTimeoutMs: 300 });
    const { url } = await frontFor(queue);
    const posted = await portal.postRobot(url, FIND_DEAL, { phone: 'x' });
    expect(posted.status).toBe(200);
    expect(queue.spilled).toBe(1);

    await own.start();
    const { receiver, errors } = workerReceiver(() => ({ dealId: 3, found: true }));
    const worker = queue.work(receiver, { worker: FAST_WORKER });
    closers.push(() => worker.close());
    const reply = await waitFor(() => portal.bizproc.replyTo(posted.eventToken), 'the reply after the replay', 15_000);
    expect(reply).toMatchObject({ returnValues: { dealId: '3', found: 'Y' } });
    expect(queue.spilled).toBe(0);
    expect(errors).toEqual([]);
  });
});
