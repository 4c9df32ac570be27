/**
 * Every registry event's fixture, posted through the receiver as Bitrix24 would post it, must be
 * accepted (200) and become its typed event. A failure here means the fixture (the registry's
 * documented example) and the registry's shape disagree: fix the registry row, not this test.
 */
import { describe, expect, it } from 'vitest';
import { B24_EVENTS, B24_EVENT_NAMES, createReceiver, parseForm, type B24Event } from '@b24hooks/core';
import { buildEventBody, buildEventForm, FIXTURE_PORTAL, FIXTURE_TOKEN, fixtureFor, fixtures } from '@b24hooks/testing';
import { coercionProblems } from './support.js';

const FORM = 'application/x-www-form-urlencoded';

async function deliver(body: string) {
  const receiver = createReceiver({ token: FIXTURE_TOKEN });
  return receiver.handle({ method: 'POST', contentType: FORM, body });
}

describe('fixtures', () => {
  it('cover exactly the registry', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...B24_EVENT_NAMES].sort());
  });

  it.each(B24_EVENT_NAMES.map((name) => [name]))('%s is accepted and typed', async (name) => {
    const { body, form, fixture } = fixtureFor(name);
    const result = await deliver(body);
    expect(result.body).toEqual({ ok: true });
    expect(result.status).toBe(200);
    const event = result.event!;
    expect(event.name).toBe(name);
    expect(event.portal).toEqual(FIXTURE_PORTAL);
    expect(event.handlerId).toBe(47);
    expect(event.timestamp).toEqual(new Date(1_767_261_600_000));
    expect(event.raw).toEqual(form);
    if (fixture.oauth) expect(event.auth).toMatchObject({ userId: 1, scope: [B24_EVENTS[name]!.scope] });
    else expect(event.auth).toBeUndefined();
    expect(coercionProblems(B24_EVENTS[name]!.data, form.data ?? {}, event.data)).toEqual([]);
  });

  it('parse back to the form they were built from (the body is PHP-encoded)', () => {
    for (const name of B24_EVENT_NAMES) expect(parseForm(buildEventBody(name)), name).toEqual(buildEventForm(name));
  });
});

describe('suffixed families', () => {
  const families = B24_EVENT_NAMES.filter((name) => B24_EVENTS[name]!.suffixed);

  it('exist in the registry', () => {
    expect(families).toContain('ONCRMDYNAMICITEMADD');
  });

  it.each(families.map((name) => [name]))('%s_147 uses the family fixture, with the suffix as entity type', async (family) => {
    const result = await deliver(buildEventBody(`${family}_147`));
    expect(result.status).toBe(200);
    const event = result.event as B24Event<'ONCRMDYNAMICITEMADD_147'>;
    expect(event.name).toBe(`${family}_147`);
    expect(event.data.FIELDS).toEqual({ ID: Number((fixtures[family]!.data as { FIELDS: { ID: string } }).FIELDS.ID), ENTITY_TYPE_ID: 147 });
  });
});
