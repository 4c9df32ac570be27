import { describe, expect, it } from 'vitest';
import { encodeForm, formatPhpFloat, parseForm, urlencode } from '@b24hooks/core';

/** Every rule of encodeForm in DESIGN.md; expected strings are what PHP 8.2's http_build_query prints. */

describe('encodeForm: structure', () => {
  it('writes flat pairs joined by &', () => {
    expect(encodeForm({ event: 'ONCRMDEALUPDATE', ts: '1700000000' })).toBe('event=ONCRMDEALUPDATE&ts=1700000000');
  });

  it('writes nested keys with escaped brackets', () => {
    expect(encodeForm({ data: { FIELDS: { ID: 662 } } })).toBe('data%5BFIELDS%5D%5BID%5D=662');
  });

  it('writes lists as [0], [1]…', () => {
    expect(encodeForm({ document_id: ['crm', 'CCrmDocumentDeal', 'DEAL_1'] })).toBe(
      'document_id%5B0%5D=crm&document_id%5B1%5D=CCrmDocumentDeal&document_id%5B2%5D=DEAL_1',
    );
    expect(encodeForm({ a: [['x'], 'y'] })).toBe('a%5B0%5D%5B0%5D=x&a%5B1%5D=y');
  });

  it('leaves out null, undefined, empty arrays and empty objects', () => {
    expect(encodeForm({ a: null, b: undefined, c: [], d: {}, e: { f: null, g: [] }, h: 'kept' })).toBe('h=kept');
    expect(encodeForm({})).toBe('');
  });

  it('skips holes of a sparse array, as JSON turns them into null', () => {
    const sparse = ['a'];
    sparse[2] = 'c';
    expect(encodeForm({ x: sparse })).toBe('x%5B0%5D=a&x%5B2%5D=c');
  });

  it('writes keys in the order the JS object holds them: integer-like keys first', () => {
    expect(encodeForm({ b: '1', 10: 'x', a: '2', 5: 'y' })).toBe('5=y&10=x&b=1&a=2');
    expect(encodeForm({ BOT: { 17: { id: '17' }, 5: { id: '5' } } })).toBe('BOT%5B5%5D%5Bid%5D=5&BOT%5B17%5D%5Bid%5D=17');
  });

  it('keeps negative and non-canonical numeric keys as written, in insertion order', () => {
    expect(encodeForm({ a: { '-5': 'x', '05': 'y', '-0': 'z' } })).toBe('a%5B-5%5D=x&a%5B05%5D=y&a%5B-0%5D=z');
  });

  it('refuses values that contain themselves', () => {
    const loop: Record<string, unknown> = { a: '1' };
    loop.self = loop;
    expect(() => encodeForm(loop)).toThrow(/contains itself/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { id: '1' };
    expect(encodeForm({ a: shared, b: shared })).toBe('a%5Bid%5D=1&b%5Bid%5D=1');
  });
});

describe('encodeForm: escaping, as PHP urlencode', () => {
  it('writes a space as + and escapes a plus', () => {
    expect(encodeForm({ 'a b': 'x y+z' })).toBe('a+b=x+y%2Bz');
  });

  it('keeps only letters, digits and -_. unescaped', () => {
    expect(encodeForm({ k: 'AZaz09-_.' })).toBe('k=AZaz09-_.');
    expect(urlencode(`!"#$%&'()*+,/:;<=>?@[\\]^\`{|}~`)).toBe(
      '%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%7E',
    );
  });

  it('escapes control characters and NUL', () => {
    expect(encodeForm({ a: '\t\r\n\0' })).toBe('a=%09%0D%0A%00');
  });

  it('writes UTF-8 bytes in upper-case hex', () => {
    expect(encodeForm({ ключ: 'Привет 👋', 中: '文' })).toBe(
      '%D0%BA%D0%BB%D1%8E%D1%87=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%F0%9F%91%8B&%E4%B8%AD=%E6%96%87',
    );
  });

  it('escapes brackets inside keys, so they come back as nesting', () => {
    expect(encodeForm({ 'a[b]': '1' })).toBe('a%5Bb%5D=1');
    expect(parseForm(encodeForm({ 'a[b]': '1' }))).toStrictEqual({ a: { b: '1' } });
  });

  it('writes a lone surrogate as U+FFFD, since it has no UTF-8 form', () => {
    expect(encodeForm({ a: 'x\uD800' })).toBe('a=x%EF%BF%BD');
  });
});

describe('encodeForm: scalars, as PHP writes them', () => {
  it('writes true as 1 and false as 0', () => {
    expect(encodeForm({ t: true, f: false })).toBe('t=1&f=0');
  });

  it('writes integers as decimal, -0 as 0', () => {
    expect(encodeForm({ a: 0, b: -17, c: 2147483648, d: -0, e: Number.MAX_SAFE_INTEGER })).toBe('a=0&b=-17&c=2147483648&d=0&e=9007199254740991');
  });

  it('writes integral numbers past 2^53 with their JSON digits, as PHP ints', () => {
    expect(encodeForm({ a: 2 ** 60, b: -(2 ** 62) })).toBe('a=1152921504606847000&b=-4611686018427388000');
  });

  it('writes numbers outside the 64-bit range as PHP floats', () => {
    expect(encodeForm({ a: 2 ** 63, b: -(2 ** 63), c: 1e21 })).toBe('a=9.2233720368548E%2B18&b=-9.2233720368548E%2B18&c=1.0E%2B21');
  });

  it('writes bigints in full', () => {
    expect(encodeForm({ a: 12345678901234567890n, b: -5n })).toBe('a=12345678901234567890&b=-5');
  });

  it('writes fractions with 14 significant digits (%.14G)', () => {
    expect(encodeForm({ a: 0.1 + 0.2, b: 1 / 3, c: 1.5, d: -2.25 })).toBe('a=0.3&b=0.33333333333333&c=1.5&d=-2.25');
  });

  it('refuses what a form cannot carry, naming the field', () => {
    expect(() => encodeForm({ a: { when: new Date(0) } })).toThrow(/cannot encode a Date at a\[when\]/);
    expect(() => encodeForm({ f: () => 1 })).toThrow(/cannot encode a function at f/);
    expect(() => encodeForm({ s: Symbol('x') })).toThrow(TypeError);
  });
});

describe('formatPhpFloat', () => {
  it.each([
    [0.5, '0.5'],
    [0.0001, '0.0001'],
    [0.00001, '1.0E-5'],
    [2.5e-5, '2.5E-5'],
    [123456.789, '123456.789'],
    [1e13, '10000000000000'],
    [1e14, '1.0E+14'],
    [1e15, '1.0E+15'],
    [1e20, '1.0E+20'],
    [123456789012345.5, '1.2345678901235E+14'],
    [999999999999999.5, '1.0E+15'], // rounding carries into a new digit
    [5e-324, '4.9406564584125E-324'],
    [1.7976931348623157e308, '1.7976931348623E+308'],
    [-1.5e-7, '-1.5E-7'],
    [-0, '-0'],
    [0, '0'],
    [Number.NaN, 'NAN'],
    [Number.POSITIVE_INFINITY, 'INF'],
    [Number.NEGATIVE_INFINITY, '-INF'],
  ])('%s → %s', (value, expected) => {
    expect(formatPhpFloat(value)).toBe(expected);
  });

  it('rounds an exact half to even, as PHP does (toPrecision would round up)', () => {
    expect(formatPhpFloat(12345678901234.5)).toBe('12345678901234');
    expect(formatPhpFloat(12345678901233.5)).toBe('12345678901234');
    expect((12345678901234.5).toPrecision(14)).toBe('12345678901235');
    expect(formatPhpFloat(12345678901234.75)).toBe('12345678901235');
  });
});

describe('encodeForm and parseForm together', () => {
  it('parseForm reads back what encodeForm writes for a Bitrix24-shaped delivery', () => {
    const delivery = {
      event: 'ONIMBOTMESSAGEADD',
      event_handler_id: '12',
      data: {
        BOT: { 5: { BOT_ID: '5', BOT_CODE: 'echo', access_token: 't1' } },
        PARAMS: { MESSAGE: 'Привет, мир! 👋 50% & more = [x]', DIALOG_ID: 'chat12' },
        USER: { ID: '1', NAME: 'Анна' },
      },
      ts: '1700000000',
      auth: { domain: 'x.bitrix24.ru', member_id: 'abc', application_token: 'tok' },
    };
    expect(parseForm(encodeForm(delivery))).toStrictEqual(delivery);
  });
});
