import querystring from 'node:querystring';
import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { encodeForm, normalizeForm, parseForm, type FormLimits } from '@b24hooks/core';
import { generateValues, type Json } from '../../../test/php/generate.js';

/**
 * normalizeForm turns what another parser made of a body back into what parseForm makes of the
 * body itself: qs-nested objects, Express's `extended: false` flat keys, and JSON.
 */

const malformed = expect.objectContaining({ code: 'MALFORMED_BODY', status: 400 });

/** A deal update as Bitrix24 sends it: nothing sparse, so no parser loses anything. */
const dealUpdate = encodeForm({
  event: 'ONCRMDEALUPDATE',
  event_handler_id: '3',
  data: { FIELDS: { ID: '662' } },
  ts: '1700000000',
  auth: {
    domain: 'example.bitrix24.ru',
    client_endpoint: 'https://example.bitrix24.ru/rest/',
    server_endpoint: 'https://oauth.bitrix.info/rest/',
    member_id: 'a223c5b4e3ba6b0b5d2b5f1f0a1a2b3c',
    application_token: 'c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4',
  },
});

/** A robot call: lists written as [0], [1] and the document id as a list. */
const robotCall = encodeForm({
  workflow_id: '65a1',
  code: 'my_robot',
  document_id: ['crm', 'CCrmDocumentDeal', 'DEAL_662'],
  document_type: ['crm', 'CCrmDocumentDeal', 'DEAL'],
  event_token: '65a1|A1|x',
  properties: { comment: 'Готово, 100% 👍', amount: '12.50' },
  use_subscription: 'Y',
  ts: '1700000000',
  auth: { domain: 'example.bitrix24.ru', member_id: 'm', application_token: 't' },
});

describe('normalizeForm: qs output (extended style)', () => {
  it.each([
    ['a deal update', dealUpdate],
    ['a robot call', robotCall],
  ])('gives what parseForm gives for %s', (_, body) => {
    expect(normalizeForm(qs.parse(body))).toStrictEqual(parseForm(body));
  });

  it('rejoins the "[g]" remainder qs leaves past 5 levels', () => {
    const body = 'a[b][c][d][e][f][g][h]=1&a[b][c][d][e][f][g][i]=2&x[y][z][u][v][w][6]=3';
    const fromQs = qs.parse(body);
    expect(fromQs).toStrictEqual({
      a: { b: { c: { d: { e: { f: { '[g][h]': '1', '[g][i]': '2' } } } } } },
      x: { y: { z: { u: { v: { w: { '[6]': '3' } } } } } },
    });
    expect(normalizeForm(fromQs)).toStrictEqual(parseForm(body));
    expect(normalizeForm(fromQs)).toStrictEqual({
      a: { b: { c: { d: { e: { f: { g: { h: '1', i: '2' } } } } } } },
      x: { y: { z: { u: { v: { w: { 6: '3' } } } } } },
    });
  });

  it('gets the bot id back when qs keeps maps (parseArrays: false)', () => {
    const body = 'data[BOT][5][BOT_ID]=5&data[BOT][5][BOT_CODE]=echo';
    expect(normalizeForm(qs.parse(body, { parseArrays: false }))).toStrictEqual({ data: { BOT: { 5: { BOT_ID: '5', BOT_CODE: 'echo' } } } });
  });

  it('cannot get back what qs defaults already lost: the bot id becomes list index 0', () => {
    const body = 'data[BOT][5][BOT_ID]=5';
    expect(normalizeForm(qs.parse(body))).toStrictEqual({ data: { BOT: [{ BOT_ID: '5' }] } });
    expect(parseForm(body)).toStrictEqual({ data: { BOT: { 5: { BOT_ID: '5' } } } });
  });
});

describe('normalizeForm: flat keys (express.urlencoded({ extended: false }))', () => {
  it.each([
    ['a deal update', dealUpdate],
    ['a robot call', robotCall],
  ])('gives what parseForm gives for %s, from querystring.parse', (_, body) => {
    const flat = querystring.parse(body);
    expect(flat['auth[application_token]']).toBeTypeOf('string'); // the shape Express hands over
    expect(normalizeForm(flat)).toStrictEqual(parseForm(body));
  });

  it('appends repeated a[] keys, which querystring collects in one array', () => {
    const flat = querystring.parse('document_id[]=crm&document_id[]=CCrmDocumentDeal&document_id[]=DEAL_1');
    expect(flat).toEqual({ 'document_id[]': ['crm', 'CCrmDocumentDeal', 'DEAL_1'] });
    expect(normalizeForm(flat)).toStrictEqual({ document_id: ['crm', 'CCrmDocumentDeal', 'DEAL_1'] });
  });

  it('applies PHP name rules to flat keys: dots, spaces, numeric ids, unclosed brackets', () => {
    expect(normalizeForm({ 'a.b': '1', ' c': '2', 'data[BOT][5][ID]': '5', 'e[f': '3', 'g[ ]': '4' })).toStrictEqual({
      a_b: '1',
      c: '2',
      data: { BOT: { 5: { ID: '5' } } },
      e_f: '3',
      g: ['4'],
    });
  });

  it('takes a null-prototype object, as URLSearchParams-based parsers give', () => {
    const flat = Object.assign(Object.create(null) as Record<string, unknown>, Object.fromEntries(new URLSearchParams('auth[member_id]=m&ts=1')));
    expect(normalizeForm(flat)).toStrictEqual({ auth: { member_id: 'm' }, ts: '1' });
  });
});

describe('normalizeForm: JSON bodies', () => {
  it('writes scalars as PHP would: true → "1", false → "0", numbers as decimals, null dropped', () => {
    const json = JSON.parse('{"a":true,"b":false,"c":42,"d":-7,"e":1.5,"f":null,"g":"x","h":0.1,"i":1e21,"j":-0}') as Record<string, unknown>;
    expect(normalizeForm(json)).toStrictEqual({ a: '1', b: '0', c: '42', d: '-7', e: '1.5', g: 'x', h: '0.1', i: '1.0E+21', j: '0' });
  });

  it('keeps a big integer with its JSON digits, as PHP json_decode does', () => {
    expect(normalizeForm(JSON.parse('{"id":1152921504606846976}') as Record<string, unknown>)).toStrictEqual({ id: '1152921504606847000' });
  });

  it('turns arrays into lists, drops nulls inside them and empty containers, keeps id maps', () => {
    const json = JSON.parse('{"data":{"BOT":{"5":{"BOT_ID":5}},"LIST":["a",null,"c"],"EMPTY":[],"NONE":{}}}') as Record<string, unknown>;
    expect(normalizeForm(json)).toStrictEqual({ data: { BOT: { 5: { BOT_ID: '5' } }, LIST: { 0: 'a', 2: 'c' } } });
  });

  it('reads a nested empty key holding a list as [][0], [][1], as encodeForm writes it', () => {
    const json = { a: { '': ['x', 'y'] } };
    expect(normalizeForm(json)).toStrictEqual(parseForm(encodeForm(json)));
    expect(normalizeForm(json)).toStrictEqual({ a: [['x'], { 1: 'y' }] });
  });

  it('refuses a body that is not an object', () => {
    for (const body of [[], ['a'], null, 'a=1', 5]) {
      expect(() => normalizeForm(body as unknown as Record<string, unknown>)).toThrow(malformed);
    }
  });

  it('refuses leaves a form cannot carry, naming the field', () => {
    expect(() => normalizeForm({ a: { b: () => 1 } })).toThrow(malformed);
    expect(() => normalizeForm({ a: { b: Symbol('x') } })).toThrow(/a\[b\] holds a symbol/);
  });

  it.each([
    '{"__proto__":{"x":"1"}}',
    '{"a":{"constructor":{"prototype":{"x":"1"}}}}',
    '{"a":{"prototype":"1"}}',
    '{"a[__proto__]":"1"}',
  ])('refuses the prototype key in %s', (text) => {
    expect(() => normalizeForm(JSON.parse(text) as Record<string, unknown>)).toThrow(malformed);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('normalizeForm: limits', () => {
  it('counts leaves against maxParams (default 2,000)', () => {
    const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(normalizeForm(many(2000)))).toHaveLength(2000);
    expect(() => normalizeForm(many(2001))).toThrow(malformed);
    expect(() => normalizeForm({ a: [1, 2, 3] }, { maxParams: 2 })).toThrow(/more than 2 parameters/);
  });

  it('counts levels against maxDepth (default 10), flat keys and nesting alike', () => {
    const nested = (levels: number): Record<string, unknown> => (levels === 0 ? { x: '1' } : { x: nested(levels - 1) });
    expect(() => normalizeForm({ a: nested(9) })).not.toThrow();
    expect(() => normalizeForm({ a: nested(10) })).toThrow(malformed);
    expect(() => normalizeForm({ [`a${'[x]'.repeat(11)}`]: '1' })).toThrow(malformed);
    expect(() => normalizeForm({ a: { b: '1' } }, { maxDepth: 1 })).not.toThrow();
    expect(() => normalizeForm({ a: { b: { c: '1' } } }, { maxDepth: 1 })).toThrow(/deeper than 1 levels/);
  });
});

describe('normalizeForm(x) equals parseForm(encodeForm(x))', () => {
  const limits: FormLimits = { maxDepth: 64, maxParams: 100_000, maxBodyBytes: 64 * 1024 * 1024 };
  // Two shapes are read as another parser's output, which a literal key cannot be told apart from:
  // a nested key starting with "[" (qs's depth remainder) and a top-level "a[]" holding a list
  // (querystring's repeated keys).
  const ambiguous = (value: Json, nested: boolean): boolean =>
    value !== null &&
    typeof value === 'object' &&
    Object.entries(value).some(
      ([key, item]) => (nested ? key.startsWith('[') : key.endsWith('[]') && Array.isArray(item)) || ambiguous(item, true),
    );

  it('for 300 generated values with Unicode, punctuation, numeric, sparse and negative keys', () => {
    const values = generateValues(7, 300).filter((value) => !ambiguous(value, false));
    expect(values.length).toBeGreaterThan(250);
    for (const value of values) {
      expect(normalizeForm(value, limits)).toStrictEqual(parseForm(encodeForm(value), limits));
    }
  });
});
