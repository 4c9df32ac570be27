import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { B24HookError, DEFAULT_FORM_LIMITS, encodeForm, parseForm } from '@b24hooks/core';

/** Every rule of parseForm in DESIGN.md; the PHP differential suite (test/) checks the same against PHP itself. */

const refusal = (code: 'MALFORMED_BODY' | 'BODY_TOO_LARGE', status: number) => expect.objectContaining({ code, status });
const malformed = refusal('MALFORMED_BODY', 400);

/** `count` pairs `p<i>=<i>`, the shape of a body with many flat fields. */
const pairs = (count: number, name = (i: number) => `p${i}`): string => Array.from({ length: count }, (_, i) => `${name(i)}=${i}`).join('&');

describe('parseForm: decoding', () => {
  it('reads flat pairs, every value a string', () => {
    expect(parseForm('event=ONCRMDEALUPDATE&ts=1700000000&event_handler_id=7')).toStrictEqual({
      event: 'ONCRMDEALUPDATE',
      ts: '1700000000',
      event_handler_id: '7',
    });
  });

  it('nests bracketed keys, written escaped as http_build_query writes them or plain', () => {
    const expected = { data: { FIELDS: { ID: '662' } } };
    expect(parseForm('data%5BFIELDS%5D%5BID%5D=662')).toStrictEqual(expected);
    expect(parseForm('data[FIELDS][ID]=662')).toStrictEqual(expected);
    expect(parseForm('data%5bFIELDS%5d%5bID%5d=662')).toStrictEqual(expected);
  });

  it('reads + as a space and %2B as a plus, in values and keys', () => {
    expect(parseForm('a=x+y%2Bz&b[c+d]=1')).toStrictEqual({ a: 'x y+z', b: { 'c d': '1' } });
  });

  it('decodes percent-encoded UTF-8 and raw UTF-8 alike', () => {
    expect(parseForm('t=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%F0%9F%91%8B&k=中文')).toStrictEqual({ t: 'Привет 👋', k: '中文' });
    expect(parseForm(Buffer.from('t=Привет&e=😀', 'utf8'))).toStrictEqual({ t: 'Привет', e: '😀' });
    expect(parseForm(new TextEncoder().encode('%D0%BA%D0%BB%D1%8E%D1%87=1'))).toStrictEqual({ ключ: '1' });
  });

  it('decodes escapes of every byte, hex in either case', () => {
    expect(parseForm('a=%41%7e%7E%2a%00%7F&b=%C3%A9%c3%a9&c=%E2%82%AC%41')).toStrictEqual({ a: 'A~~*\0\x7F', b: 'éé', c: '€A' });
  });

  it('keeps a % that starts no escape as written, as PHP does', () => {
    expect(parseForm('a=100%&b=%zz&c=%4&d=%%41&e=50%25&f=%')).toStrictEqual({ a: '100%', b: '%zz', c: '%4', d: '%A', e: '50%', f: '%' });
    expect(parseForm('a%=1&b[%]=2&c=%+20')).toStrictEqual({ 'a%': '1', b: { '%': '2' }, c: '% 20' });
    expect(parseForm('a=100%&b=%D0%BF')).toStrictEqual({ a: '100%', b: 'п' }); // a stray % beside a real escape
  });

  it('keeps control characters and a %00 in values', () => {
    expect(parseForm('a=x%00y&b=%0D%0A%09')).toStrictEqual({ a: 'x\0y', b: '\r\n\t' });
  });

  it('cuts a key at %00, as PHP does', () => {
    expect(parseForm('a%00b=1&c[d%00e]=2&%00f=3')).toStrictEqual({ a: '1', c_d: '2' });
  });

  it('keeps a byte-order mark as part of the first key, as PHP does', () => {
    expect(parseForm(Buffer.from('\uFEFFa=1', 'utf8'))).toStrictEqual({ '\uFEFFa': '1' });
  });

  it('reads a pair without = as an empty value, ignores empty pairs and nameless ones', () => {
    expect(parseForm('a&&b=&=x&c==d&e=f=g&')).toStrictEqual({ a: '', b: '', c: '=d', e: 'f=g' });
    expect(parseForm('')).toStrictEqual({});
  });

  it('splits on & only', () => {
    expect(parseForm('a=1;b=2&c=3#x')).toStrictEqual({ a: '1;b=2', c: '3#x' });
  });
});

describe('parseForm: names, as PHP registers them', () => {
  it('turns dots and spaces in the top-level name into _, not inside brackets', () => {
    expect(parseForm('a.b=1&c+d=2&e.f[g.h]=3&i[j k]=4')).toStrictEqual({ a_b: '1', c_d: '2', e_f: { 'g.h': '3' }, i: { 'j k': '4' } });
  });

  it('drops leading spaces of the name, and names that are then empty', () => {
    expect(parseForm('+a=1&%20%20b=2&+=3&[x]=4')).toStrictEqual({ a: '1', b: '2' });
  });

  it('folds an unclosed first bracket into the name, and ignores one further in', () => {
    expect(parseForm('a[b=1&c[d.e f=2&g[=3')).toStrictEqual({ a_b: '1', c_d_e_f: '2', g_: '3' });
    expect(parseForm('a[b][c=1')).toStrictEqual({ a: { b: '1' } });
  });

  it('ends the key at the first ] not followed by [', () => {
    expect(parseForm('a[b]xyz[c]=1&d[e]]=2&f[g[h]=3&i[[j]]=4')).toStrictEqual({ a: { b: '1' }, d: { e: '2' }, f: { 'g[h': '3' }, i: { '[j': '4' } });
  });

  it('lets a later value replace an earlier one in its place, a string and an array replacing each other', () => {
    const parsed = parseForm('a=1&b=2&a=3&c=1&c[d]=2&e[f]=1&e=2');
    expect(parsed).toStrictEqual({ a: '3', b: '2', c: { d: '2' }, e: '2' });
    expect(Object.keys(parsed)).toEqual(['a', 'b', 'c', 'e']);
  });
});

describe('parseForm: lists and maps', () => {
  it('makes a list of keys 0..n-1 in order, written or appended with []', () => {
    expect(parseForm('a[0]=x&a[1]=y')).toStrictEqual({ a: ['x', 'y'] });
    expect(parseForm('a[]=x&a[]=y&a[]=z')).toStrictEqual({ a: ['x', 'y', 'z'] });
    expect(parseForm('a[0][0]=1&a[0][1]=2&a[1]=3')).toStrictEqual({ a: [['1', '2'], '3'] });
    expect(parseForm('document_id[]=crm&document_id[]=CCrmDocumentDeal&document_id[]=DEAL_42')).toStrictEqual({
      document_id: ['crm', 'CCrmDocumentDeal', 'DEAL_42'],
    });
  });

  it('keeps any other map an object: out of order, gaps, one id', () => {
    const outOfOrder = parseForm('a[1]=x&a[0]=y').a;
    expect(Array.isArray(outOfOrder)).toBe(false);
    expect(outOfOrder).toStrictEqual({ 0: 'y', 1: 'x' });
    expect(parseForm('a[0]=x&a[2]=y')).toStrictEqual({ a: { 0: 'x', 2: 'y' } });
    expect(parseForm('a[]=1&a[x]=2')).toStrictEqual({ a: { 0: '1', x: '2' } });
  });

  it('keeps the top level an object, even for keys 0..n-1', () => {
    const parsed = parseForm('0=a&1=b');
    expect(Array.isArray(parsed)).toBe(false);
    expect(parsed).toStrictEqual({ 0: 'a', 1: 'b' });
  });

  it('keeps data[BOT][<id>] a map from bot id to block, where qs defaults make a list and lose the id', () => {
    const body = encodeForm({ data: { BOT: { 5: { BOT_ID: '5', BOT_CODE: 'echo' } } } });
    expect(parseForm(body)).toStrictEqual({ data: { BOT: { 5: { BOT_ID: '5', BOT_CODE: 'echo' } } } });
    expect(qs.parse(body)).toStrictEqual({ data: { BOT: [{ BOT_ID: '5', BOT_CODE: 'echo' }] } }); // the trap
  });

  it('keeps two bot blocks under their ids', () => {
    const parsed = parseForm('data[BOT][17][BOT_ID]=17&data[BOT][5][BOT_ID]=5');
    expect(parsed).toStrictEqual({ data: { BOT: { 17: { BOT_ID: '17' }, 5: { BOT_ID: '5' } } } });
  });
});

describe('parseForm: numeric keys and appends', () => {
  it('appends after the largest integer key, negative ones included (PHP 8)', () => {
    expect(parseForm('a[3]=x&a[]=y')).toStrictEqual({ a: { 3: 'x', 4: 'y' } });
    expect(parseForm('a[-5]=1&a[]=2')).toStrictEqual({ a: { '-5': '1', '-4': '2' } });
    expect(parseForm('a[]=x&a[-3]=y&a[]=z')).toStrictEqual({ a: { 0: 'x', '-3': 'y', 1: 'z' } });
    expect(parseForm('a[-1]=x&a[]=y&a[]=z').a).toStrictEqual({ '-1': 'x', 0: 'y', 1: 'z' });
  });

  it('treats non-canonical numbers as strings that do not move the next index', () => {
    expect(parseForm('a[05]=x&a[]=y')).toStrictEqual({ a: { '05': 'x', 0: 'y' } });
    expect(parseForm('a[-0]=x&a[%2B5]=y&a[1.5]=z&a[]=w')).toStrictEqual({ a: { '-0': 'x', '+5': 'y', '1.5': 'z', 0: 'w' } });
  });

  it('treats 16-19 digit keys within 64 bits as integers, as PHP does', () => {
    expect(parseForm('a[12345678901234567]=1&a[]=2')).toStrictEqual({ a: { '12345678901234567': '1', '12345678901234568': '2' } });
    expect(parseForm('a[-9223372036854775808]=1&a[]=2').a).toStrictEqual({ '-9223372036854775808': '1', '-9223372036854775807': '2' });
    // One past the 64-bit range is a string key: the next append starts from 0.
    expect(parseForm('a[9223372036854775808]=1&a[]=2').a).toStrictEqual({ '9223372036854775808': '1', 0: '2' });
  });

  it('drops an append past PHP_INT_MAX, as PHP does', () => {
    expect(parseForm('a[9223372036854775806]=1&a[]=2&a[]=3&a[][b]=4&a[x]=5').a).toStrictEqual({
      '9223372036854775806': '1',
      '9223372036854775807': '2',
      x: '5',
    });
  });

  it('reads one whitespace character inside brackets as an append: a[ ], a[+], a[%09]', () => {
    expect(parseForm('a[ ]=1&a[+]=2&a[%09]=3&a[%0A]=4')).toStrictEqual({ a: ['1', '2', '3', '4'] });
    expect(parseForm('a[  ]=1&a[ b]=2')).toStrictEqual({ a: { '  ': '1', ' b': '2' } });
  });
});

describe('parseForm: prototype keys', () => {
  it.each([
    '__proto__=1',
    '__proto__[x]=1',
    'constructor=1',
    'prototype[x]=1',
    'a[__proto__]=1',
    'a[__proto__][polluted]=1',
    'a[b][constructor]=1',
    'a[b][c][prototype]=1',
    'a[]=1&a[0][constructor][prototype][x]=1',
    '%5F%5Fproto%5F%5F=1',
    '+__proto__=1',
    '_[proto__=1', // the unclosed bracket folds into "__proto__"
  ])('refuses %s as MALFORMED_BODY and pollutes nothing', (body) => {
    expect(() => parseForm(body)).toThrow(malformed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('says why in the message', () => {
    expect(() => parseForm('a[__proto__]=1')).toThrow(/"__proto__" as a key/);
  });

  it('accepts the same words as values and inside longer keys', () => {
    expect(parseForm('a=__proto__&b=constructor&__proto__x=1&my_prototype=2')).toStrictEqual({
      a: '__proto__',
      b: 'constructor',
      __proto__x: '1',
      my_prototype: '2',
    });
  });
});

describe('parseForm: bytes that are not UTF-8', () => {
  it.each([
    ['a lone continuation byte', 'a=%FF'],
    ['an invalid byte in a key', '%FF=1'],
    ['a cut sequence', 'a=%D0'],
    ['an overlong encoding', 'a=%C0%AF'],
    ['an encoded surrogate', 'a=%ED%A0%80'],
    ['a code point past U+10FFFF', 'a=%F4%90%80%80'],
    ['a stray % beside an invalid byte', 'a=100%&b=%FF'],
    ['an invalid byte in a part PHP ignores', 'a[b]x%FF=1'],
  ])('refuses %s as MALFORMED_BODY', (_, body) => {
    expect(() => parseForm(body)).toThrow(malformed);
  });

  it('refuses raw invalid bytes in a Uint8Array body', () => {
    expect(() => parseForm(Uint8Array.from([0x61, 0x3d, 0xff]))).toThrow(malformed);
    expect(() => parseForm(Uint8Array.from([0x61, 0x3d, 0xd0]))).toThrow(malformed);
  });

  it('refuses a lone surrogate in a string body', () => {
    expect(() => parseForm('a=\uD800')).toThrow(malformed);
  });

  it('refuses a raw NUL byte, where parse_str would silently drop the rest of the body', () => {
    expect(() => parseForm('a=1\0&auth[application_token]=x')).toThrow(malformed);
    expect(() => parseForm(Uint8Array.from([0x61, 0x3d, 0x00]))).toThrow(malformed);
  });

  it('tells the sender what to check', () => {
    expect(() => parseForm('a=%FF')).toThrow(/not valid UTF-8/);
  });
});

describe('parseForm: limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_FORM_LIMITS).toStrictEqual({ maxBodyBytes: 1024 * 1024, maxParams: 2000, maxDepth: 10 });
  });

  it('reads 2,000 parameters and refuses 2,001 as MALFORMED_BODY, never truncating', () => {
    expect(Object.keys(parseForm(pairs(2000)))).toHaveLength(2000);
    expect(() => parseForm(pairs(2001))).toThrow(malformed);
    expect(() => parseForm(pairs(2001))).toThrow(/more than 2000 parameters.*limits\.maxParams/);
  });

  it('does not count empty pairs', () => {
    expect(Object.keys(parseForm(`${pairs(2000)}&&&`))).toHaveLength(2000);
  });

  it('keeps a trailing auth block after 1,500 parameters, which qs defaults drop after 1,000', () => {
    const body = `${pairs(1500, (i) => `data[FIELDS][F${i}]`)}&auth[application_token]=secret&auth[member_id]=m1`;
    const parsed = parseForm(body);
    expect(parsed.auth).toStrictEqual({ application_token: 'secret', member_id: 'm1' });
    expect(Object.keys((parsed.data as { FIELDS: object }).FIELDS)).toHaveLength(1500);
    expect(qs.parse(body).auth).toBeUndefined(); // the trap
  });

  it('reads 10 levels and refuses 11 as MALFORMED_BODY', () => {
    const key = (levels: number) => `a${'[x]'.repeat(levels)}`;
    expect(parseForm(`${key(10)}=1`)).toStrictEqual({ a: { x: { x: { x: { x: { x: { x: { x: { x: { x: { x: '1' } } } } } } } } } } });
    expect(() => parseForm(`${key(11)}=1`)).toThrow(malformed);
    expect(() => parseForm(`a${'[]'.repeat(11)}=1`)).toThrow(/deeper than 10 levels.*limits\.maxDepth/);
  });

  it('keeps keys deeper than 5 levels whole, where qs defaults leave a "[g]" string', () => {
    const body = 'a[b][c][d][e][f][g]=1';
    expect(parseForm(body)).toStrictEqual({ a: { b: { c: { d: { e: { f: { g: '1' } } } } } } });
    expect(qs.parse(body)).toStrictEqual({ a: { b: { c: { d: { e: { f: { '[g]': '1' } } } } } } }); // the trap
  });

  it('reads 1 MiB and refuses one byte more as BODY_TOO_LARGE (413)', () => {
    const oneMiB = `a=${'x'.repeat(1024 * 1024 - 2)}`;
    expect((parseForm(oneMiB).a as string).length).toBe(1024 * 1024 - 2);
    expect(() => parseForm(`${oneMiB}x`)).toThrow(refusal('BODY_TOO_LARGE', 413));
    expect(() => parseForm(Buffer.from(`${oneMiB}x`))).toThrow(refusal('BODY_TOO_LARGE', 413));
    expect(() => parseForm(`${oneMiB}x`)).toThrow(/larger than 1048576 bytes.*limits\.maxBodyBytes/);
  });

  it('counts the bytes of a string body, not its characters', () => {
    const cyrillic = `a=${'я'.repeat(600 * 1024)}`; // 600 Ki characters, 1.2 MB
    expect(() => parseForm(cyrillic)).toThrow(refusal('BODY_TOO_LARGE', 413));
  });

  it('takes custom limits, each alone', () => {
    expect(() => parseForm('a=1&b=2&c=3', { maxParams: 2 })).toThrow(malformed);
    expect(parseForm('a=1&b=2', { maxParams: 2 })).toStrictEqual({ a: '1', b: '2' });
    expect(() => parseForm('a[b][c]=1', { maxDepth: 1 })).toThrow(malformed);
    expect(parseForm('a[b]=1', { maxDepth: 1 })).toStrictEqual({ a: { b: '1' } });
    expect(() => parseForm('a=12345', { maxBodyBytes: 6 })).toThrow(refusal('BODY_TOO_LARGE', 413));
    expect(parseForm('a=1234', { maxBodyBytes: 6 })).toStrictEqual({ a: '1234' });
    expect(Object.keys(parseForm(pairs(5000), { maxParams: 5000, maxDepth: undefined }))).toHaveLength(5000);
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => parseForm('a=1', { maxParams: 0 })).toThrow(TypeError);
    expect(() => parseForm('a=1', { maxDepth: 1.5 })).toThrow(/limits\.maxDepth must be a positive integer/);
    expect(() => parseForm('a=1', { maxBodyBytes: Number.NaN })).toThrow(TypeError);
  });

  it('throws B24HookError instances that answer with their status', () => {
    try {
      parseForm(pairs(3), { maxParams: 2 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(B24HookError);
      expect((error as B24HookError).toErrorBody()).toStrictEqual({ error: { code: 'MALFORMED_BODY', message: expect.stringContaining('maxParams') } });
    }
  });
});

describe('parseForm: keys written as http_build_query writes them', () => {
  /** The result, or the refusal's message: escaped keys take a path of their own, raw ones the general one. */
  const outcome = (body: string, limits?: { maxDepth?: number }) => {
    try {
      return { result: parseForm(body, limits) };
    } catch (error) {
      return { refused: (error as Error).message };
    }
  };
  const KEYS = [
    'a[b][c]', 'a[b]', 'a', 'x-y_1[Z]', 'l[0]', 'l[1]', 'm[1]', 'm[0]', 'k[9223372036854775807]', 'k[7]',
    '__proto__[x]', 'a[__proto__]', 'a[b][constructor]', 'prototype', 'a[b][c][d]', 'a[toString]', 'a[hasOwnProperty][x]',
    'a[b][c][d][e][f][g][h][i][j][k]', '__proto__[a][b][c][d][e][f][g][h][i][j][k]', 'a[b][c][d][e][f][g][h][i][j][__proto__]',
    `a[${'b'.repeat(150)}]`, `a[${'b'.repeat(160)}]`, `${'a'.repeat(300)}[b]`,
  ];

  it.each(KEYS)('%s reads, or is refused, as its raw-bracket spelling is', (key) => {
    const escaped = key.replaceAll('[', '%5B').replaceAll(']', '%5D');
    const lower = key.replaceAll('[', '%5b').replaceAll(']', '%5d');
    for (const limits of [undefined, { maxDepth: 2 }]) {
      for (const [write, raw] of [
        [`${escaped}=v`, `${key}=v`],
        [`${lower}`, `${key}`],
        [`${escaped}=1&a=2&${escaped}=3&${lower}[]=4`, `${key}=1&a=2&${key}=3&${key}[]=4`],
      ] as const) {
        expect(outcome(write, limits), write).toStrictEqual(outcome(raw, limits));
      }
    }
  });
});
