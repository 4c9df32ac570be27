/**
 * Type tests: what handlers see for registry names, patterns, family members and unknown names.
 * They run as ordinary tests (expectTypeOf does nothing at run time) and are type-checked by
 * `pnpm typecheck` (tsconfig.tests.json): a wrong type fails CI there.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createReceiver,
  type B24Event,
  type B24EventData,
  type B24EventName,
  type B24EventsMatching,
  type B24KnownEvent,
  type FormObject,
} from '@b24hooks/core';

const receiver = createReceiver({ token: 'type-tests' });

describe('one event per scope', () => {
  it('types data with Bitrix24 keys, integer ids as numbers, text as optional strings', () => {
    receiver.on('ONCRMDEALUPDATE', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'ONCRMDEALUPDATE'>();
      expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>();
      // @ts-expect-error an id is a number, not the string Bitrix24 sent
      const id: string = event.data.FIELDS.ID;
      void id;
    });
    receiver.on('CATALOG.PRODUCT.ON.ADD', (event) => expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>());
    receiver.on('ONAPPINSTALL', (event) => expectTypeOf(event.data.VERSION).toEqualTypeOf<string | undefined>());
    receiver.on('ONBOOKINGADD', (event) => expectTypeOf(event.data.ID).toEqualTypeOf<number>());
    receiver.on('ONCALENDARENTRYADD', (event) => expectTypeOf(event.data.id).toEqualTypeOf<number>());
    receiver.on('ONVOXIMPLANTCALLEND', (event) => {
      expectTypeOf(event.data.CALL_DURATION).toEqualTypeOf<number>();
      expectTypeOf(event.data.CALL_ID).toEqualTypeOf<string | undefined>();
    });
    receiver.on('ONHUMANRESOURCESHCMLINKEMPLOYEELISTMAPPED', (event) => expectTypeOf(event.data.jobId).toEqualTypeOf<number | undefined>());
    receiver.on('ONIMBOTMESSAGEADD', (event) => {
      // data[BOT][<bot id>]: a map keyed by ids
      expectTypeOf(event.data.BOT[567]!.BOT_ID).toEqualTypeOf<number>();
      expectTypeOf(event.data.PARAMS.MESSAGE_ID).toEqualTypeOf<number>();
    });
    receiver.on('ONIMCONNECTORMESSAGEADD', (event) => expectTypeOf(event.data.LINE).toEqualTypeOf<number>());
    receiver.on('ONIMCONNECTORLINEDELETE', (event) => expectTypeOf(event.data).toEqualTypeOf<number>());
    receiver.on('ONIMV2MESSAGEADD', (event) => expectTypeOf(event.data.message.id).toEqualTypeOf<number>());
    receiver.on('ONOPENLINEMESSAGEADD', (event) => expectTypeOf(event.data.DATA[0]!.message.id).toEqualTypeOf<number>());
    receiver.on('ONLIVEFEEDPOSTADD', (event) => expectTypeOf(event.data.FIELDS.POST_ID).toEqualTypeOf<number>());
    receiver.on('ONSALEORDERSAVED', (event) => expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>());
    receiver.on('ONSIGNB2EDOCUMENTSTATUSCHANGED', (event) => expectTypeOf(event.data.documentUid).toEqualTypeOf<string | undefined>());
    receiver.on('ONSONETGROUPADD', (event) => expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>());
    receiver.on('ONTASKADD', (event) => expectTypeOf(event.data.FIELDS_AFTER.ID).toEqualTypeOf<number>());
    receiver.on('ONUSERADD', (event) => expectTypeOf(event.data.ID).toEqualTypeOf<number>());
    expect(receiver).toBeDefined();
  });

  it('keeps undocumented keys reachable, typed unknown', () => {
    receiver.on('ONCRMDEALUPDATE', (event) => expectTypeOf(event.data.FIELDS.TITLE).toEqualTypeOf<unknown>());
  });

  it('gives every event its portal, optional OAuth block and raw form', () => {
    receiver.on('ONCRMLEADADD', (event) => {
      expectTypeOf(event.portal.memberId).toEqualTypeOf<string>();
      expectTypeOf(event.auth?.userId).toEqualTypeOf<number | undefined>();
      expectTypeOf(event.timestamp).toEqualTypeOf<Date>();
      expectTypeOf(event.raw).toEqualTypeOf<FormObject>();
    });
  });
});

describe('patterns, lists, families and unknown names', () => {
  type DealEvents = Extract<B24EventName, `ONCRMDEAL${string}`>;

  it("'ONCRMDEAL*' gives the union of the deal events, which narrows on name", () => {
    expectTypeOf<B24EventsMatching<'ONCRMDEAL*'>>().toEqualTypeOf<DealEvents>();
    expectTypeOf<'ONCRMDEALUPDATE'>().toExtend<DealEvents>();
    expectTypeOf<'ONCRMLEADUPDATE'>().not.toExtend<DealEvents>();
    receiver.on('ONCRMDEAL*', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<DealEvents>();
      expectTypeOf(event).toEqualTypeOf<B24Event<DealEvents>>();
      if (event.name === 'ONCRMDEALMOVETOCATEGORY') expectTypeOf(event.data.FIELDS.CATEGORY_ID).toEqualTypeOf<number>();
    });
  });

  it('a list of names gives their union', () => {
    receiver.on(['ONCRMDEALADD', 'ONCRMLEADADD'], (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'ONCRMDEALADD' | 'ONCRMLEADADD'>();
      expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>();
    });
  });

  it('a suffixed name such as ONCRMDYNAMICITEMADD_147 gets its family data', () => {
    receiver.on('ONCRMDYNAMICITEMADD_147', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'ONCRMDYNAMICITEMADD_147'>();
      expectTypeOf(event.data).toEqualTypeOf<B24EventData<'ONCRMDYNAMICITEMADD'>>();
      expectTypeOf(event.data.FIELDS.ENTITY_TYPE_ID).toEqualTypeOf<number>();
    });
    receiver.on('ONCRMDYNAMICITEM*', (event) => expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>());
  });

  it('an unknown name, or a pattern matching no registry name, gives FormObject', () => {
    receiver.on('ONSOMETHINGNEW', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'ONSOMETHINGNEW'>();
      expectTypeOf(event.data).toEqualTypeOf<FormObject>();
    });
    receiver.on('ONFUTURE*', (event) => expectTypeOf(event.data).toEqualTypeOf<FormObject>());
    // A name that only looks like a family member is not one.
    expectTypeOf<B24EventData<'ONCRMDEALUPDATE_5'>>().toEqualTypeOf<FormObject>();
  });

  it('B24KnownEvent narrows in a switch on name', () => {
    const idOf = (event: B24KnownEvent): number | undefined => {
      switch (event.name) {
        case 'ONCRMDEALUPDATE':
          expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>();
          return event.data.FIELDS.ID;
        case 'ONUSERADD':
          return event.data.ID;
        case 'ONIMCONNECTORLINEDELETE':
          return event.data;
        default:
          expectTypeOf(event.name).toExtend<B24EventName>();
          return undefined;
      }
    };
    expect(idOf).toBeTypeOf('function');
  });

  it('onAny sees known events and unknown names alike', () => {
    receiver.onAny((event) => {
      expectTypeOf(event).toEqualTypeOf<B24Event>();
      expectTypeOf(event.name).toEqualTypeOf<B24EventName | (string & {})>();
    });
  });
});
