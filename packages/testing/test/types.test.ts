/** Type tests of the test kit's API (type-checked by `pnpm typecheck`). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { FormObject } from '@b24hooks/core';
import { buildEventBody, buildEventForm, sendEvent, type DataPatch, type SendResult } from '@b24hooks/testing';

describe('builder types', () => {
  it('types the data patch from the event: ids take numbers or strings, null removes, extra keys allowed', () => {
    expectTypeOf<DataPatch<number>>().toEqualTypeOf<number | string>();
    expectTypeOf(buildEventForm('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 5, TITLE: 'x', STAGE_ID: null } } })).toEqualTypeOf<FormObject>();
    buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: '5' } } });
    // @ts-expect-error an id is not an object
    buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: { nested: true } } } });
    buildEventBody('ONCRMDYNAMICITEMADD_147', { data: { FIELDS: { ENTITY_TYPE_ID: 147 } } });
    // @ts-expect-error the family's ENTITY_TYPE_ID is an integer
    buildEventBody('ONCRMDYNAMICITEMADD_147', { data: { FIELDS: { ENTITY_TYPE_ID: [] } } });
    buildEventBody('ONIMCONNECTORLINEDELETE', { data: 108 });
    // Unknown names type-check (data is then any form) but throw UNKNOWN_EVENT at run time.
    const unknownName = () => buildEventBody('ONSOMETHINGNEW', { data: { ANYTHING: { deep: '1' } } });
    expect(unknownName).toThrowError(/not a Bitrix24 event/);
    expectTypeOf(sendEvent).returns.resolves.toEqualTypeOf<SendResult>();
    expect(buildEventBody).toBeTypeOf('function');
  });
});
