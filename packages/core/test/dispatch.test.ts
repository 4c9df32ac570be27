import { describe, expect, it, vi } from 'vitest';
import { createReceiver, type B24Event } from '@b24hooks/core';
import { TOKEN, botMessage, dealUpdate, delivery, memoryLogger, post } from './support.js';

const taskAdd = () =>
  delivery('ONTASKADD', { data: { FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: '9' }, IS_ACCESSIBLE_BEFORE: 'N', IS_ACCESSIBLE_AFTER: 'undefined' } });

describe('dispatch', () => {
  it('runs handlers by name, by list, by PREFIX* pattern and onAny, in any case', async () => {
    const receiver = createReceiver({ token: TOKEN });
    const seen: string[] = [];
    receiver
      .on('ONCRMDEALUPDATE', (event) => void seen.push(`name:${event.data.FIELDS.ID}`))
      .on(['ONTASKADD', 'ONCRMDEALUPDATE'], (event) => void seen.push(`list:${event.name}`))
      .on('ONCRMDEAL*', (event) => void seen.push(`pattern:${event.name}`))
      .on('onTaskAdd' as 'ONTASKADD', () => void seen.push('lowercase'))
      .onAny((event) => void seen.push(`any:${event.name}`));
    await receiver.handle(post(dealUpdate()));
    await receiver.handle(post(taskAdd()));
    await receiver.handle(post(botMessage()));
    expect(seen.sort()).toEqual(
      [
        'name:662',
        'list:ONCRMDEALUPDATE',
        'pattern:ONCRMDEALUPDATE',
        'any:ONCRMDEALUPDATE',
        'list:ONTASKADD',
        'lowercase',
        'any:ONTASKADD',
        'any:ONIMBOTMESSAGEADD',
      ].sort(),
    );
  });

  it('hears handlers registered after a delivery of the same name, by name, pattern and onAny', async () => {
    const receiver = createReceiver({ token: TOKEN });
    const seen: string[] = [];
    receiver.on('ONCRMDEAL*', () => void seen.push('pattern'));
    await receiver.handle(post(dealUpdate()));
    receiver.on('ONCRMDEALUPDATE', () => void seen.push('name'));
    await receiver.handle(post(dealUpdate()));
    receiver.on('ONCRM*', () => void seen.push('later pattern')).onAny(() => void seen.push('any'));
    await receiver.handle(post(dealUpdate()));
    expect(seen.sort()).toEqual(['pattern', 'pattern', 'name', 'pattern', 'name', 'later pattern', 'any'].sort());
  });

  it('hears a suffixed smart-process event by its exact name and by pattern, not by the bare family name', async () => {
    const receiver = createReceiver({ token: TOKEN });
    const seen: string[] = [];
    receiver.on('ONCRMDYNAMICITEMADD_147', (event) => void seen.push(`exact:${event.data.FIELDS.ID}`));
    receiver.on('ONCRMDYNAMICITEMADD_*', (event) => void seen.push(`pattern:${event.name}`));
    receiver.on('ONCRMDYNAMICITEMADD', () => void seen.push('bare'));
    await receiver.handle(post(delivery('ONCRMDYNAMICITEMADD_147', { data: { FIELDS: { ID: '4', ENTITY_TYPE_ID: '147' } } })));
    expect(seen.sort()).toEqual(['exact:4', 'pattern:ONCRMDYNAMICITEMADD_147']);
  });

  it('runs the handlers of one event concurrently and awaits them all', async () => {
    const receiver = createReceiver({ token: TOKEN });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    receiver.on('ONCRMDEALUPDATE', async () => {
      order.push('slow:start');
      await gate;
      order.push('slow:end');
    });
    receiver.on('ONCRMDEALUPDATE', () => {
      order.push('fast');
      release();
    });
    const answer = await receiver.handle(post(dealUpdate()));
    expect(answer.status).toBe(200);
    expect(order).toEqual(['slow:start', 'fast', 'slow:end']);
  });

  it('aggregates failures, still runs every handler and answers HANDLER_FAILED', async () => {
    const receiver = createReceiver({ token: TOKEN });
    const ran = vi.fn();
    const errors: Error[] = [];
    receiver.on('ONCRMDEALUPDATE', () => {
      throw new Error('first');
    });
    receiver.on('ONCRMDEALUPDATE', async () => Promise.reject(new Error('second')));
    receiver.on('ONCRMDEALUPDATE', ran);
    receiver.onError((error) => void errors.push(error));
    const answer = await receiver.handle(post(dealUpdate()));
    expect(ran).toHaveBeenCalledOnce();
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: { code: 'HANDLER_FAILED', message: expect.stringContaining('ONCRMDEALUPDATE') } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AggregateError);
    expect((errors[0] as AggregateError).errors.map((error: Error) => error.message)).toEqual(['first', 'second']);
    expect(answer.error?.cause).toBe(errors[0]);
  });

  it('survives an onError handler that throws', async () => {
    const logger = memoryLogger();
    const receiver = createReceiver({ token: TOKEN, logger });
    receiver.on('ONCRMDEALUPDATE', () => {
      throw new Error('handler');
    });
    receiver.onError(() => {
      throw new Error('onError itself');
    });
    const answer = await receiver.handle(post(dealUpdate()));
    expect(answer.status).toBe(500);
    expect(logger.lines.some((line) => line.level === 'error')).toBe(true);
    expect((await receiver.handle(post(dealUpdate()))).status).toBe(500);
  });

  it("receive() runs the handlers of an event verified elsewhere", async () => {
    const receiver = createReceiver({ token: TOKEN });
    const handler = vi.fn();
    receiver.on('ONCRMDEALUPDATE', handler);
    const { parseForm } = await import('@b24hooks/core');
    const event = await receiver.verify(parseForm(dealUpdate()));
    await receiver.receive(event);
    expect(handler).toHaveBeenCalledWith(event);
  });

  it("ack: 'before-handlers' answers once verified and reports later failures to onError", async () => {
    const receiver = createReceiver({ token: TOKEN, ack: 'before-handlers' });
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const reported = new Promise<[Error, B24Event | undefined]>((resolve) => receiver.onError((error, event) => resolve([error, event])));
    receiver.on('ONCRMDEALUPDATE', async () => {
      await done;
      throw new Error('late failure');
    });
    const answer = await receiver.handle(post(dealUpdate()));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true });
    finish();
    const [error, event] = await reported;
    expect((error as AggregateError).errors[0].message).toBe('late failure');
    expect(event?.name).toBe('ONCRMDEALUPDATE');
  });

  it('sends refusals to the logger, never to onError', async () => {
    const logger = memoryLogger();
    const receiver = createReceiver({ token: TOKEN, logger, shapes: 'strict' });
    const heard = vi.fn();
    receiver.onError(heard);
    const { authBlock } = await import('./support.js');
    expect((await receiver.handle(post(dealUpdate(authBlock({ application_token: 'forged' }))))).status).toBe(401);
    expect((await receiver.handle({ method: 'GET', body: '' })).status).toBe(405);
    expect((await receiver.handle(post(delivery('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 'x' } } })))).status).toBe(400);
    expect(heard).not.toHaveBeenCalled();
    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'warn', 'warn']);
  });

  it('refuses handlers that are not functions and empty names', () => {
    const receiver = createReceiver({ token: TOKEN });
    expect(() => receiver.on('ONCRMDEALUPDATE', 5 as never)).toThrow(TypeError);
    expect(() => receiver.on('', () => {})).toThrow(TypeError);
    expect(() => receiver.onError(null as never)).toThrow(TypeError);
  });
});

describe('isB24Event', () => {
  it('narrows by name, list and pattern, as on() matches', async () => {
    const { isB24Event, parseForm, toEvent } = await import('@b24hooks/core');
    const event = toEvent(parseForm(dealUpdate()));
    expect(isB24Event(event, 'ONCRMDEALUPDATE')).toBe(true);
    expect(isB24Event(event, 'onCrmDealUpdate' as 'ONCRMDEALUPDATE')).toBe(true);
    expect(isB24Event(event, ['ONTASKADD', 'ONCRMDEALUPDATE'])).toBe(true);
    expect(isB24Event(event, 'ONCRMDEAL*')).toBe(true);
    expect(isB24Event(event, 'ONCRMDEALADD')).toBe(false);
    expect(isB24Event(event, 'ONTASK*')).toBe(false);
    if (isB24Event(event, 'ONCRMDEALUPDATE')) {
      const id: number = event.data.FIELDS.ID;
      expect(id).toBe(662);
    }
  });
});
