/** Every registry name is accepted by on() and reaches its handler, and only its handler, at run time. */
import { describe, expect, it } from 'vitest';
import { B24_EVENT_NAMES, createReceiver, type B24Event } from '@b24hooks/core';
import { FIXTURE_TOKEN, fixtureFor } from '@b24hooks/testing';

describe('on(name) for every registry name', () => {
  it('runs each handler once, for its own event', async () => {
    const receiver = createReceiver({ token: FIXTURE_TOKEN });
    const heard = new Map<string, string[]>();
    for (const name of B24_EVENT_NAMES) {
      heard.set(name, []);
      receiver.on(name, (event: B24Event) => {
        heard.get(name)!.push(event.name);
      });
    }
    for (const name of B24_EVENT_NAMES) {
      const result = await receiver.handle({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: fixtureFor(name).body });
      expect(result.status, name).toBe(200);
    }
    for (const name of B24_EVENT_NAMES) expect(heard.get(name), name).toEqual([name]);
  });

  it('also takes all of them at once, as a list', async () => {
    const receiver = createReceiver({ token: FIXTURE_TOKEN });
    const heard: string[] = [];
    receiver.on(B24_EVENT_NAMES, (event) => {
      heard.push(event.name);
    });
    for (const name of B24_EVENT_NAMES) {
      await receiver.handle({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: fixtureFor(name).body });
    }
    expect(heard).toEqual(B24_EVENT_NAMES);
  });
});
