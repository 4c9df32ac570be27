/**
 * Type tests: what a robot handler sees in `call.properties` and must return, inferred from its
 * definition. Type-checked by `pnpm typecheck` (tsconfig.tests.json); expectTypeOf does nothing at
 * run time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createReceiver, defineRobot, parseForm, toRobotCall, type B24RobotCall, type B24RobotDefinition, type B24RobotDocument, type FormValue } from '@b24hooks/core';
import { recordingRest, robotBody } from './support.js';

// One handler per code: each registration gets its own receiver.
const fresh = () => createReceiver({ token: 'type-tests', rest: recordingRest().rest });

const everyType = defineRobot({
  code: 'every_type',
  name: 'Every type',
  properties: {
    s: { type: 'string', required: true },
    t: { type: 'text' },
    i: { type: 'int', required: true },
    d: { type: 'double' },
    b: { type: 'bool' },
    date: { type: 'date' },
    dt: { type: 'datetime' },
    sel: { type: 'select', options: { pdf: 'PDF', docx: 'DOCX' } },
    u: { type: 'user' },
    many: { type: 'int', multiple: true },
  },
  returnProperties: { dealId: { type: 'int', required: true }, found: { type: 'bool' }, kinds: { type: 'select', options: { a: 'A' }, multiple: true } },
});

describe('call.properties from the definition', () => {
  it('types each Bitrix24 property type; required and multiple ones are always there', () => {
    fresh().onRobot(everyType, (call) => {
      expectTypeOf(call).toExtend<B24RobotCall<unknown>>();
      expectTypeOf(call.properties).toEqualTypeOf<{
        s: string;
        i: number;
        many: number[];
        t?: string;
        d?: number;
        b?: boolean;
        date?: string;
        dt?: string;
        sel?: 'pdf' | 'docx';
        u?: string;
      }>();
      expectTypeOf(call.document).toEqualTypeOf<B24RobotDocument>();
      expectTypeOf(call.documentType).toEqualTypeOf<[string, string, string]>();
      expectTypeOf(call.useSubscription).toEqualTypeOf<boolean>();
      expectTypeOf(call.timeoutSeconds).toEqualTypeOf<number | undefined>();
      expectTypeOf(call.kind).toEqualTypeOf<'robot' | 'activity'>();
      // @ts-expect-error an undeclared property is not typed; read it from call.raw
      void call.properties.other;
      return { dealId: 1 };
    });
  });

  it('toRobotCall types the properties with a definition, and leaves them as sent without one', () => {
    const form = parseForm(robotBody({ code: 'every_type', properties: { s: 'x', i: '4' } }));
    const typed = toRobotCall(form, everyType);
    expectTypeOf(typed.properties.i).toEqualTypeOf<number>();
    expect(typed.properties.i).toBe(4);
    expectTypeOf(toRobotCall(form).properties).toEqualTypeOf<Record<string, FormValue>>();
  });

  it('a code alone gives the properties as sent', () => {
    fresh().onRobot('by_code', (call) => {
      expectTypeOf(call.properties).toEqualTypeOf<Record<string, FormValue>>();
    });
  });
});

describe("the handler's return value from returnProperties", () => {
  it('requires the required ones, types each value, lists for multiple', () => {
    fresh().onRobot(everyType, () => ({ dealId: 7, found: true, kinds: ['a'] as 'a'[] }));
    fresh().onRobot(everyType, async () => ({ dealId: 7 }));
    // @ts-expect-error dealId is required
    fresh().onRobot(everyType, () => ({ found: true }));
    // @ts-expect-error dealId is an int
    fresh().onRobot(everyType, () => ({ dealId: '7' }));
    // @ts-expect-error found is a bool, sent as Y/N by b24hooks
    fresh().onRobot(everyType, () => ({ dealId: 7, found: 'Y' }));
    // @ts-expect-error a select returns one of its options
    fresh().onRobot(everyType, () => ({ dealId: 7, kinds: ['b'] }));
  });

  it('a robot without return properties returns nothing', () => {
    const fireAndForget = defineRobot({ code: 'notify', name: 'Notify', properties: { text: { type: 'text', required: true } } });
    expectTypeOf(fireAndForget).toExtend<B24RobotDefinition>();
    fresh().onRobot(fireAndForget, (call) => {
      expectTypeOf(call.properties).toEqualTypeOf<{ text: string }>();
    });
    fresh().onRobot(fireAndForget, async () => undefined);
    // @ts-expect-error nothing to return
    fresh().onRobot(fireAndForget, () => ({ x: 1 }));
  });

  it('keeps the literal kind', () => {
    const activity = defineRobot({ code: 'act', name: 'Act', kind: 'activity' });
    expectTypeOf(activity.kind).toEqualTypeOf<'robot' | 'activity'>();
    expect(activity.kind).toBe('activity');
  });
});
