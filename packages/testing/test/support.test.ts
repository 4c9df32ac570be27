/** The fixture suite's oracle must itself notice wrong coercions, or the suite proves nothing. */
import { describe, expect, it } from 'vitest';
import { coercionProblems } from './support.js';

describe('coercionProblems', () => {
  const shape = { FIELDS: { ID: 'int', TITLE: 'string', 'OWNER?': 'int' }, BOT: { '*': { BOT_ID: 'int' } } } as const;
  const raw = { FIELDS: { ID: '5', TITLE: 'Deal', OWNER: '' }, BOT: { '12': { BOT_ID: '12' } } };

  it('accepts a correct coercion', () => {
    expect(coercionProblems(shape, raw, { FIELDS: { ID: 5, TITLE: 'Deal' }, BOT: { '12': { BOT_ID: 12 } } })).toEqual([]);
  });

  it('reports integers left as strings, lost map keys, missing required keys and kept empty ids', () => {
    expect(coercionProblems(shape, raw, { FIELDS: { ID: '5', TITLE: 'Deal' }, BOT: { '12': { BOT_ID: 12 } } })).toHaveLength(1);
    expect(coercionProblems(shape, raw, { FIELDS: { ID: 5, TITLE: 'Deal' }, BOT: [{ BOT_ID: 12 }] })).toEqual(['data[BOT]: map key 12 lost']);
    expect(coercionProblems(shape, { FIELDS: { TITLE: 'x' }, BOT: {} }, { FIELDS: { TITLE: 'x' }, BOT: {} })).toEqual(['data[FIELDS][ID]: required but not sent']);
    expect(coercionProblems(shape, raw, { FIELDS: { ID: 5, TITLE: 'Deal', OWNER: '' }, BOT: { '12': { BOT_ID: 12 } } })).toHaveLength(1);
  });
});
