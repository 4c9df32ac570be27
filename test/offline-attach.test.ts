import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createReceiver, type Receiver } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import { createOfflineConsumer, createRestFactory, type OfflineConsumer } from '@b24hooks/rest';
import { createFakePortal, FakePortalError, type FakePortal } from '@b24hooks/testing';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// ONOFFLINEEVENT reaches an Express app as any delivery does; the consumer drains the portal that sent it.
let portal: FakePortal;
let server: Server;
let url: string;
let receiver: Receiver;
let seen: number[];
let errors: Error[];

beforeEach(async () => {
  portal = await createFakePortal({ rateLimit: false });
  seen = [];
  errors = [];
  receiver = createReceiver({ token: portal.applicationToken }).onError((error) => void errors.push(error));
  const app = express();
  app.post('/b24', b24hooks(receiver));
  server = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await portal.close();
});

function attach(waitMs?: number): OfflineConsumer {
  const rest = createRestFactory({ app: portal.app, oauthServer: portal.oauthServer, rateLimit: false });
  return createOfflineConsumer({ receiver }).attach(receiver, rest, waitMs === undefined ? {} : { waitMs });
}

function seedDeals(ids: number[]): void {
  for (const id of ids) portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: id } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('attach(receiver, clientFor): drains on ONOFFLINEEVENT', () => {
  it('drains the portal that sent the signal before the delivery is answered', async () => {
    receiver.on('ONCRMDEALUPDATE', (event) => void seen.push(event.data.FIELDS.ID));
    attach();
    seedDeals([1, 2, 3]);
    const answer = await portal.postEvent(url, 'ONOFFLINEEVENT');
    expect(answer.status).toBe(200);
    expect(seen).toEqual([1, 2, 3]);
    expect(portal.offline.records()).toEqual([]);
    // The client came from the signal's own OAuth tokens.
    expect(portal.callsOf('event.offline.get').every((call) => call.auth?.kind === 'oauth')).toBe(true);
  });

  it('a signal during a drain causes exactly one more pass after it, never a parallel one', async () => {
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let signals = 0;
    receiver.on('ONOFFLINEEVENT', () => void signals++);
    receiver.on('ONCRMDEALUPDATE', async (event) => {
      running++;
      most = Math.max(most, running);
      seen.push(event.data.FIELDS.ID);
      if (event.data.FIELDS.ID === 1) await gate;
      running--;
    });
    attach();
    seedDeals([1, 2, 3]);
    const first = portal.postEvent(url, 'ONOFFLINEEVENT');
    await until(() => seen.length === 1, 'the first record');
    seedDeals([4, 5]);
    const during = [portal.postEvent(url, 'ONOFFLINEEVENT'), portal.postEvent(url, 'ONOFFLINEEVENT')];
    await until(() => signals === 3, 'both signals during the drain');
    release();
    const answers = await Promise.all([first, ...during]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(most).toBe(1);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(portal.offline.records()).toEqual([]);
    // Each pass ends on one empty read: the first pass, and exactly one more.
    const gets = portal.callsOf('event.offline.get').length;
    const clears = portal.callsOf('event.offline.clear').length;
    expect(gets - clears).toBe(2);
  });

  it('answers a long drain\'s signal after waitMs and lets the drain finish', async () => {
    receiver.on('ONCRMDEALUPDATE', async (event) => {
      await sleep(20);
      seen.push(event.data.FIELDS.ID);
    });
    const consumer = attach(10);
    seedDeals([1, 2, 3, 4, 5]);
    const answer = await portal.postEvent(url, 'ONOFFLINEEVENT');
    expect(answer.status).toBe(200);
    expect(seen.length).toBeLessThan(5);
    await consumer.idle();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(portal.offline.records()).toEqual([]);
  });

  it('a drain that fails fails the signal\'s delivery (500, onError told); the records wait on the portal', async () => {
    attach();
    seedDeals([1]);
    portal.method('event.offline.get', () => {
      throw new FakePortalError('ACCESS_DENIED', 'Access denied', 403);
    });
    const answer = await portal.postEvent(url, 'ONOFFLINEEVENT');
    expect(answer.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as AggregateError).errors[0])).toMatch(/ACCESS_DENIED/);
    expect(portal.offline.pending).toBe(1);
  });
});
