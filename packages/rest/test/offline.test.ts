import { createReceiver, parseForm, type B24Event } from '@b24hooks/core';
import { buildEventBody, createFakePortal, type FakePortal } from '@b24hooks/testing';
import { createOfflineConsumer, createRestClient, isOfflineEvent, type B24OfflineEvent, type RestClient, type RestClientOptions } from '@b24hooks/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let portal: FakePortal;
beforeEach(async () => {
  portal = await createFakePortal({ rateLimit: false });
});
afterEach(() => portal.close());

/** An application's client of the fake portal, as built from an install event's tokens. */
function appClient(p: FakePortal = portal, extra: Partial<RestClientOptions> = {}): RestClient {
  const tokens = p.tokens;
  return createRestClient({
    ...extra,
    auth: {
      portal: { domain: p.domain, memberId: p.memberId, clientEndpoint: p.clientEndpoint, serverEndpoint: p.serverEndpoint },
      auth: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: new Date(tokens.expires * 1000) },
    },
    app: p.app,
    oauthServer: p.oauthServer,
    rateLimit: false,
  });
}

function seedDeals(count: number, from = 1): void {
  for (let id = from; id < from + count; id++) portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: id } }, { timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, id)) });
}

/** A deal whose data has more fields than a form may carry (2,000 parameters): it cannot become an event. */
const hugeDeal = (id: number) => ({ FIELDS: { ID: id, ...Object.fromEntries(Array.from({ length: 2_100 }, (_, index) => [`UF_${index}`, 'x'])) } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('drain(client)', () => {
  it('drains 3+ batches in order, clears each batch under its own process_id, and stops at an empty answer', async () => {
    seedDeals(120);
    const seen: number[] = [];
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', (event) => void seen.push(event.data.FIELDS.ID));
    const consumer = createOfflineConsumer({ receiver });

    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 120, handled: 120, failed: 0 });

    expect(seen).toEqual(Array.from({ length: 120 }, (_, index) => index + 1));
    expect(portal.offline.records()).toEqual([]);
    const gets = portal.callsOf('event.offline.get');
    expect(gets).toHaveLength(4); // 50, 50, 20, then none
    for (const get of gets) expect(get.params).toMatchObject({ clear: '0', limit: '50' });
    const clears = portal.callsOf('event.offline.clear');
    expect(clears).toHaveLength(3);
    expect(clears.map((clear) => (clear.params.message_id as string[]).length)).toEqual([50, 50, 20]);
    expect(new Set(clears.map((clear) => clear.params.process_id)).size).toBe(3);
    expect(portal.callsOf('event.offline.error')).toHaveLength(0);
  });

  it('takes the batch size from limit, and answers zeros for an empty queue', async () => {
    seedDeals(7);
    const receiver = createReceiver({ token: portal.applicationToken });
    const consumer = createOfflineConsumer({ receiver, limit: 3 });
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 7, handled: 7, failed: 0 });
    expect(portal.callsOf('event.offline.get').map((get) => get.params.limit)).toEqual(['3', '3', '3', '3']);
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 0, handled: 0, failed: 0 });
  });

  it('marks the record whose handler failed as an error, clears the others, and does not read it again', async () => {
    seedDeals(5);
    const errors: Error[] = [];
    const seen: number[] = [];
    const receiver = createReceiver({ token: portal.applicationToken })
      .on('ONCRMDEALUPDATE', (event) => {
        seen.push(event.data.FIELDS.ID);
        if (event.data.FIELDS.ID === 3) throw new Error('deal 3 is locked');
      })
      .onError((error) => void errors.push(error));
    const consumer = createOfflineConsumer({ receiver });

    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 5, handled: 4, failed: 1 });

    const left = portal.offline.records();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ EVENT_NAME: 'ONCRMDEALUPDATE', EVENT_DATA: { FIELDS: { ID: 3 } }, ERROR: '1' });
    const [error] = portal.callsOf('event.offline.error');
    expect(error!.params.message_id).toEqual([left[0]!.MESSAGE_ID]);
    const [clear] = portal.callsOf('event.offline.clear');
    expect(clear!.params.process_id).toBe(error!.params.process_id);
    expect(clear!.params.message_id).toHaveLength(4);
    expect(errors).toHaveLength(1); // the receiver's onError heard the handler

    // event.offline.list shows it as an error; the next drain does not fetch it.
    const listed = await appClient().call('event.offline.list', { filter: { ERROR: 1 } });
    expect(listed).toEqual([expect.objectContaining({ ID: left[0]!.ID, ERROR: '1' })]);
    seedDeals(1, 6);
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 1, handled: 1, failed: 0 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a record that cannot become an event is marked as an error and told to the consumer\'s onError, without its data', async () => {
    portal.offline.add('ONCRMDEALUPDATE', hugeDeal(1), { messageId: 'too-big' });
    seedDeals(1, 2);
    const told: Array<{ error: Error; context: unknown }> = [];
    const receiver = createReceiver({ token: portal.applicationToken });
    const consumer = createOfflineConsumer({ receiver, onError: (error, context) => void told.push({ error, context }) });
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 2, handled: 1, failed: 1 });
    expect(portal.offline.records()).toEqual([expect.objectContaining({ MESSAGE_ID: 'too-big', ERROR: '1' })]);
    expect(told).toHaveLength(1);
    expect(told[0]!.error).toMatchObject({ code: 'MALFORMED_BODY' });
    expect(told[0]!.context).toEqual({ domain: portal.domain, memberId: portal.memberId, record: { id: 1, messageId: 'too-big', eventName: 'ONCRMDEALUPDATE' } });
  });

  it('without onError, tells the receiver\'s logger, or else emits a process warning', async () => {
    portal.offline.add('ONCRMDEALUPDATE', hugeDeal(1));
    const lines: unknown[][] = [];
    const logger = { warn: () => undefined, error: (...args: unknown[]) => void lines.push(args) };
    await createOfflineConsumer({ receiver: createReceiver({ token: portal.applicationToken, logger }) }).drain(appClient());
    expect(lines).toEqual([[expect.stringMatching(/^b24hooks: offline events: /), { domain: portal.domain, memberId: portal.memberId, record: expect.objectContaining({ id: 1 }) }]]);

    portal.offline.add('ONCRMDEALUPDATE', hugeDeal(2));
    const warnings: Error[] = [];
    const listen = (warning: Error) => void warnings.push(warning);
    process.on('warning', listen);
    try {
      await createOfflineConsumer({ receiver: createReceiver({ token: portal.applicationToken }) }).drain(appClient());
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).toEqual([expect.objectContaining({ code: 'B24HOOKS_OFFLINE_DRAIN' })]);
  });

  it('marks failures before clearing: a MESSAGE_ID shared by a handled and a failed record keeps both, loses neither', async () => {
    portal.offline.add('ONCRMDEALADD', { FIELDS: { ID: 1 } }, { messageId: 'deal-1' });
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 1 } }, { messageId: 'deal-1' });
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', () => {
      throw new Error('no');
    });
    await expect(createOfflineConsumer({ receiver }).drain(appClient())).resolves.toEqual({ received: 2, handled: 1, failed: 1 });
    expect(portal.offline.records().map((record) => [record.EVENT_NAME, record.ERROR])).toEqual([
      ['ONCRMDEALADD', '1'],
      ['ONCRMDEALUPDATE', '1'],
    ]);
  });

  it('retryFailed reads the error-marked records on purpose: once each, cleared when they pass, marked again when not', async () => {
    seedDeals(4);
    let broken = new Set([2, 3, 4]);
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', (event) => {
      if (broken.has(event.data.FIELDS.ID)) throw new Error('still broken');
    });
    const consumer = createOfflineConsumer({ receiver, limit: 2 });
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 4, handled: 1, failed: 3 });

    // Still failing: each read once (no loop over the same records), and marked again.
    await expect(consumer.retryFailed(appClient())).resolves.toEqual({ received: 3, handled: 0, failed: 3 });
    expect(portal.offline.records().map((record) => record.ERROR)).toEqual(['1', '1', '1']);
    for (const get of portal.callsOf('event.offline.get').slice(-3)) expect(get.params).toMatchObject({ clear: '0', error: '1', order: { ID: 'ASC' } });

    broken = new Set([4]);
    await expect(consumer.retryFailed(appClient())).resolves.toEqual({ received: 3, handled: 2, failed: 1 });
    expect(portal.offline.records()).toEqual([expect.objectContaining({ EVENT_DATA: { FIELDS: { ID: 4 } }, ERROR: '1' })]);
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 0, handled: 0, failed: 0 });
  });

  it('with the retryFailed option, each drain first reads the earlier failures once, then the new records', async () => {
    seedDeals(3);
    let broken = new Set([2]);
    const seen: number[] = [];
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', (event) => {
      seen.push(event.data.FIELDS.ID);
      if (broken.has(event.data.FIELDS.ID)) throw new Error('broken');
    });
    const consumer = createOfflineConsumer({ receiver, retryFailed: true });
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 3, handled: 2, failed: 1 });
    seedDeals(1, 4);
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 2, handled: 1, failed: 1 });
    broken = new Set();
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 1, handled: 1, failed: 0 });
    expect(seen).toEqual([1, 2, 3, 2, 4, 2]);
    expect(portal.offline.records()).toEqual([]);
    expect(() => createOfflineConsumer({ receiver, retryFailed: 'yes' as never })).toThrow(/retryFailed/);
  });

  it('gives two concurrent drains of one portal disjoint records (two processes, one queue)', async () => {
    seedDeals(60);
    const byProcess: number[][] = [[], []];
    const consumers = byProcess.map((seen) =>
      createOfflineConsumer({
        limit: 5,
        receiver: createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', async (event) => {
          seen.push(event.data.FIELDS.ID);
          await sleep(2);
        }),
      }),
    );
    const results = await Promise.all(consumers.map((consumer) => consumer.drain(appClient())));

    const [first, second] = byProcess as [number[], number[]];
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(first.filter((id) => second.includes(id))).toEqual([]);
    expect([...first, ...second].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
    expect(results.reduce((sum, result) => sum + result.handled, 0)).toBe(60);
    expect(portal.offline.records()).toEqual([]);
  });

  it('runs one drain per portal at a time in a process: a drain asked for during one is one more pass after it', async () => {
    seedDeals(3);
    let running = 0;
    let most = 0;
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', async () => {
      running++;
      most = Math.max(most, running);
      await sleep(5);
      running--;
    });
    const consumer = createOfflineConsumer({ receiver });
    const first = consumer.drain(appClient());
    await sleep(1);
    seedDeals(2, 4);
    const more = [consumer.drain(appClient()), consumer.drain(appClient()), consumer.drain(appClient())];
    const [a, b, c, d] = await Promise.all([first, ...more]);
    expect(most).toBe(1);
    expect(a!.received + b!.received).toBe(5);
    // The three asks shared one pass: the same result object, and one empty read each pass.
    expect(c).toBe(b);
    expect(d).toBe(b);
    const empty = portal.callsOf('event.offline.get').length - portal.callsOf('event.offline.clear').length;
    expect(empty).toBe(2);
    await consumer.idle();
  });

  it('drains different portals side by side, each into events of its own portal', async () => {
    const other = await createFakePortal({ rateLimit: false });
    try {
      seedDeals(2);
      other.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 99 } });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const seen: string[] = [];
      const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', async (event) => {
        seen.push(`${event.portal.memberId}:${event.data.FIELDS.ID}`);
        if (event.portal.memberId === portal.memberId) await gate;
      });
      const consumer = createOfflineConsumer({ receiver });
      const blocked = consumer.drain(appClient());
      // The other portal's drain finishes while the first one waits.
      await expect(consumer.drain(appClient(other))).resolves.toEqual({ received: 1, handled: 1, failed: 0 });
      expect(seen).toEqual([`${portal.memberId}:1`, `${other.memberId}:99`]);
      release();
      await expect(blocked).resolves.toEqual({ received: 2, handled: 2, failed: 0 });
    } finally {
      await other.close();
    }
  });

  it('passes auth_connector to event.offline.get and reads only that connector\'s queue', async () => {
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 1 } }, { connector: 'erp-sync' });
    portal.offline.add('ONCRMDEALUPDATE', { FIELDS: { ID: 2 } });
    const seen: number[] = [];
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', (event) => void seen.push(event.data.FIELDS.ID));
    await expect(createOfflineConsumer({ receiver, authConnector: 'erp-sync' }).drain(appClient())).resolves.toMatchObject({ handled: 1 });
    expect(seen).toEqual([1]);
    expect(portal.callsOf('event.offline.get')[0]!.params).toMatchObject({ auth_connector: 'erp-sync' });
    expect(portal.offline.records()).toEqual([expect.objectContaining({ EVENT_DATA: { FIELDS: { ID: 2 } } })]);
  });

  it('refuses what cannot work, saying what to do', async () => {
    const receiver = createReceiver({ token: portal.applicationToken });
    expect(() => createOfflineConsumer({} as never)).toThrow(/receiver/);
    expect(() => createOfflineConsumer({ receiver, limit: 0 })).toThrow(/limit/);
    const consumer = createOfflineConsumer({ receiver });
    await expect(consumer.drain(createRestClient({ webhook: portal.webhookUrl }))).rejects.toThrow(/application \(OAuth\)/);
    await expect(consumer.drain({} as never)).rejects.toThrow(TypeError);
  });

  it('retries a confirmation the network cut; one that still fails is sent by the next drain, without running handlers again', async () => {
    seedDeals(3);
    let cuts = 0;
    // Real HTTP for every call that is made; the cut ones never leave the process.
    const flaky: typeof fetch = (input, init) => {
      const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (target.includes('event.offline.clear') && cuts > 0) {
        cuts--;
        return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }));
      }
      return fetch(input, init);
    };
    let runs = 0;
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', () => void runs++);
    const consumer = createOfflineConsumer({ receiver });

    cuts = 2;
    await expect(consumer.drain(appClient(portal, { fetch: flaky }))).resolves.toEqual({ received: 3, handled: 3, failed: 0 });
    expect(portal.offline.records()).toEqual([]);

    seedDeals(2, 4);
    cuts = 3;
    await expect(consumer.drain(appClient(portal, { fetch: flaky }))).rejects.toMatchObject({ code: 'NETWORK_ERROR', method: 'event.offline.clear' });
    expect(runs).toBe(5);
    expect(portal.offline.pending).toBe(0); // still reserved, hidden from every reader
    expect(portal.offline.records()).toHaveLength(2);
    await expect(consumer.drain(appClient())).resolves.toEqual({ received: 0, handled: 0, failed: 0 });
    expect(portal.offline.records()).toEqual([]);
    expect(runs).toBe(5);
  });

  it('stops instead of looping when the portal keeps answering records it was told to clear', async () => {
    const stuck = { ID: '7', TIMESTAMP_X: '2026-01-01T03:00:00+03:00', EVENT_NAME: 'ONCRMDEALUPDATE', EVENT_DATA: { FIELDS: { ID: 7 } }, EVENT_ADDITIONAL: false, MESSAGE_ID: '7' };
    portal.method('event.offline.get', () => ({ process_id: 'p1', events: [stuck] }));
    portal.method('event.offline.clear', () => true);
    let runs = 0;
    const receiver = createReceiver({ token: portal.applicationToken }).on('ONCRMDEALUPDATE', () => void runs++);
    await expect(createOfflineConsumer({ receiver }).drain(appClient())).rejects.toThrow(/does not remove cleared records/);
    expect(runs).toBe(4); // the first time, then three batches of nothing new
  });

  it('refuses answers that are not a reservation (BAD_RESPONSE), running no handler', async () => {
    let runs = 0;
    const receiver = createReceiver({ token: portal.applicationToken }).onAny(() => void runs++);
    const consumer = createOfflineConsumer({ receiver });
    const record = { ID: '1', TIMESTAMP_X: '2026-01-01T03:00:00+03:00', EVENT_NAME: 'ONCRMDEALUPDATE', EVENT_DATA: { FIELDS: { ID: 1 } }, MESSAGE_ID: '1' };
    for (const answer of [true, { process_id: null, events: [record] }, { process_id: 'p', events: [{ ...record, EVENT_NAME: 5 }] }, { process_id: 'p' }]) {
      portal.method('event.offline.get', () => answer);
      await expect(consumer.drain(appClient())).rejects.toMatchObject({ name: 'B24RestError', code: 'BAD_RESPONSE', method: 'event.offline.get' });
    }
    expect(runs).toBe(0);
  });

  it('rejects when the portal fails, and the records wait on the portal', async () => {
    seedDeals(2);
    const receiver = createReceiver({ token: portal.applicationToken });
    const client = appClient();
    await client.call('server.time');
    portal.expireTokens();
    const consumer = createOfflineConsumer({ receiver });
    // The client refreshes the expired token by itself; then every record is drained.
    await expect(consumer.drain(client)).resolves.toEqual({ received: 2, handled: 2, failed: 0 });
    seedDeals(1, 3);
    portal.method('event.offline.get', () => {
      throw new Error('portal exploded');
    });
    await expect(consumer.drain(client)).rejects.toMatchObject({ name: 'B24RestError', status: 500 });
    expect(portal.offline.pending).toBe(1);
  });
});

/** Integer strings as numbers, as PHP's json_encode writes a queue record's integer fields. */
function asPhpJson(value: unknown): unknown {
  if (typeof value === 'string') return /^(0|[1-9]\d{0,14})$/.test(value) ? Number(value) : value;
  if (Array.isArray(value)) return value.map(asPhpJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asPhpJson(item)]));
  return value;
}

async function online(name: string, data: Record<string, unknown>): Promise<B24Event> {
  const receiver = createReceiver({ token: portal.applicationToken });
  const portalInfo = { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint };
  return receiver.verify(parseForm(buildEventBody(name, { token: portal.applicationToken, portal: portalInfo, data: data as never })));
}

describe('drained events are typed exactly as their online form', () => {
  it('an integer id is a number, a map of ids stays a map, and event.offline says where it came from', async () => {
    const bot = {
      BOT: { '567': { BOT_ID: '567', BOT_CODE: 'BOT1', AUTH: { domain: portal.domain, member_id: portal.memberId } } },
      PARAMS: { MESSAGE: 'Hello', FROM_USER_ID: '27', DIALOG_ID: '27', TO_CHAT_ID: '1407', MESSAGE_ID: '84331', CHAT_TYPE: 'P' },
      USER: { ID: '27', NAME: 'Svetlana Ivanova' },
    };
    const at = new Date('2026-03-04T05:06:07Z');
    // The record holds what the online delivery's data would have held, with PHP's JSON integers.
    const messageOnline = await online('ONIMBOTMESSAGEADD', bot);
    portal.offline.add('onCrmDealUpdate', asPhpJson({ FIELDS: { ID: '662' } }), { timestamp: at, messageId: 'm-662' });
    portal.offline.add('ONIMBOTMESSAGEADD', asPhpJson(messageOnline.raw.data), { timestamp: at });
    portal.offline.add('ONCRMDEALDELETE', { FIELDS: { ID: '15' } }, { timestamp: at }); // a string id is read the same way
    const drained: B24OfflineEvent[] = [];
    const receiver = createReceiver({ token: portal.applicationToken }).onAny((event) => {
      if (isOfflineEvent(event)) drained.push(event);
    });
    await createOfflineConsumer({ receiver }).drain(appClient());
    expect(drained.map((event) => event.name)).toEqual(['ONCRMDEALUPDATE', 'ONIMBOTMESSAGEADD', 'ONCRMDEALDELETE']);
    const [deal, message, deleted] = drained as [B24OfflineEvent, B24OfflineEvent, B24OfflineEvent];

    const dealOnline = await online('ONCRMDEALUPDATE', { FIELDS: { ID: '662' } });
    expect(deal.data).toEqual(dealOnline.data);
    expect((deal.data as { FIELDS: { ID: unknown } }).FIELDS.ID).toBe(662);
    expect(deal.portal).toEqual(dealOnline.portal);
    expect(deal.timestamp).toEqual(at);
    expect(deal.auth).toBeUndefined();
    const [get] = portal.callsOf('event.offline.get');
    expect(deal.offline).toEqual({ id: 1, messageId: 'm-662', processId: expect.any(String) });
    expect(portal.callsOf('event.offline.clear')[0]!.params.process_id).toBe(deal.offline.processId);
    expect(get).toBeDefined();

    expect(message.data).toEqual(messageOnline.data);
    const bots = (message.data as { BOT: Record<string, { BOT_ID: unknown }> }).BOT;
    expect(Array.isArray(bots)).toBe(false);
    expect(Object.keys(bots)).toEqual(['567']);
    expect(bots['567']!.BOT_ID).toBe(567);
    expect(message.offline.id).toBe(2);

    expect((deleted.data as { FIELDS: { ID: unknown } }).FIELDS.ID).toBe(15);

    // raw is the delivery's form without tokens: a worker's toEvent(raw) gives the same event.
    expect(deal.raw).toMatchObject({ event: 'ONCRMDEALUPDATE', ts: String(at.getTime() / 1000), data: { FIELDS: { ID: '662' } }, auth: { member_id: portal.memberId } });
    expect(JSON.parse(JSON.stringify(deal))).toMatchObject({ name: 'ONCRMDEALUPDATE', offline: { id: 1, messageId: 'm-662' } });
  });

  it('an event without data (EVENT_DATA false) has the empty data an online delivery has', async () => {
    portal.offline.add('ONAPPTEST');
    const events: B24Event[] = [];
    await createOfflineConsumer({ receiver: createReceiver({ token: 'x' }).onAny((event) => void events.push(event)) }).drain(appClient());
    expect(portal.offline.records()).toEqual([]);
    expect(events[0]).toMatchObject({ name: 'ONAPPTEST', data: {} });
  });
});
