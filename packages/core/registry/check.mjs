#!/usr/bin/env node
// Validates events.json (the b24hooks event registry). No dependencies.
// Usage: node packages/core/registry/check.mjs [path/to/events.json]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const file = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'events.json');
const registry = JSON.parse(readFileSync(file, 'utf8'));
const errors = [];
const fail = (where, msg) => errors.push(`${where}: ${msg}`);

const ROW_KEYS = new Set(['name', 'scope', 'doc', 'suffixed', 'suffix', 'data', 'example']);
const NAME = /^[A-Z][A-Z0-9_.]*$/;
const INT = /^-?[0-9]+$/;
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// A shape is "int" | "string" | "form" | [shape] | { "*": shape } | { "KEY" | "KEY?": shape, ... }
function checkShape(shape, where) {
  if (shape === 'int' || shape === 'string' || shape === 'form') return;
  if (Array.isArray(shape)) {
    if (shape.length !== 1) fail(where, 'a list shape has exactly one element shape');
    else checkShape(shape[0], `${where}[]`);
    return;
  }
  if (!isPlainObject(shape)) return fail(where, `not a shape: ${JSON.stringify(shape)}`);
  const keys = Object.keys(shape);
  if (keys.includes('*') && keys.length !== 1) fail(where, '"*" must be the only key of a map shape');
  if (keys.includes('*?')) fail(where, '"*?" is not a shape key: a map shape is { "*": shape }, and may be empty anyway');
  const seen = new Set();
  for (const key of keys) {
    const bare = key.endsWith('?') ? key.slice(0, -1) : key;
    if (bare === '' || bare.endsWith('?')) fail(where, `bad key ${JSON.stringify(key)}`);
    if (FORBIDDEN_KEYS.has(bare)) fail(where, `forbidden key ${bare}`);
    if (seen.has(bare)) fail(where, `key ${bare} listed twice`);
    if (bare !== '*' && bare === key && (shape[key] === 'string' || shape[key] === 'form')) {
      fail(where, `text field ${key} must be optional (${key}?): only ids and the blocks holding them may be required`);
    }
    seen.add(bare);
    checkShape(shape[key], `${where}.${key}`);
  }
}

// Example values are what PHP delivers: strings, lists and maps only.
function conforms(value, shape, where) {
  if (shape === 'form') return checkDelivered(value, where);
  if (shape === 'string') {
    if (typeof value !== 'string') fail(where, `expected a string, got ${JSON.stringify(value)}`);
    return;
  }
  if (shape === 'int') {
    if (typeof value !== 'string' || !INT.test(value)) fail(where, `expected an integer string, got ${JSON.stringify(value)}`);
    return;
  }
  if (Array.isArray(shape)) {
    // a list is delivered as [0], [1]…; parsed it is an array (or a 0..n-1 keyed map)
    const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null;
    if (!items) return fail(where, 'expected a list');
    items.forEach((item, i) => conforms(item, shape[0], `${where}[${i}]`));
    return;
  }
  if ('*' in shape) {
    const entries = Array.isArray(value) ? value.entries() : isPlainObject(value) ? Object.entries(value) : null;
    if (!entries) return fail(where, 'expected a map');
    for (const [k, v] of entries) conforms(v, shape['*'], `${where}.${k}`);
    return;
  }
  if (!isPlainObject(value)) return fail(where, `expected an object, got ${JSON.stringify(value)}`);
  for (const [key, sub] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const bare = optional ? key.slice(0, -1) : key;
    if (!(bare in value)) {
      if (!optional) fail(where, `required key ${bare} missing`);
      continue;
    }
    conforms(value[bare], sub, `${where}.${bare}`);
  }
  for (const [k, v] of Object.entries(value)) if (!(k in shape) && !(`${k}?` in shape)) checkDelivered(v, `${where}.${k}`);
}

function checkDelivered(value, where) {
  if (typeof value === 'string') return;
  if (Array.isArray(value)) {
    if (value.length === 0) fail(where, 'empty arrays are not delivered: remove it');
    value.forEach((v, i) => checkDelivered(v, `${where}[${i}]`));
    return;
  }
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) fail(where, 'empty arrays are not delivered: remove it');
    for (const [k, v] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(k)) fail(where, `forbidden key ${k}`);
      checkDelivered(v, `${where}.${k}`);
    }
    return;
  }
  fail(where, `example values are strings as delivered, got ${JSON.stringify(value)}`);
}

if (!isPlainObject(registry) || typeof registry.$comment !== 'string' || !Array.isArray(registry.events)) {
  fail(file, 'expected { "$comment": string, "events": [...] }');
} else {
  const extra = Object.keys(registry).filter((k) => k !== '$comment' && k !== 'events');
  if (extra.length) fail(file, `unexpected top-level keys ${extra.join(', ')}`);
  let previous = '';
  const names = new Set();
  registry.events.forEach((row, i) => {
    const where = `events[${i}] ${row?.name ?? '?'}`;
    if (!isPlainObject(row)) return fail(where, 'not an object');
    for (const k of Object.keys(row)) if (!ROW_KEYS.has(k)) fail(where, `unexpected key ${k}`);
    if (typeof row.name !== 'string' || !NAME.test(row.name)) fail(where, 'name must be upper-case as delivered');
    if (names.has(row.name)) fail(where, 'duplicate name');
    names.add(row.name);
    if (row.name <= previous) fail(where, `not sorted (after ${previous})`);
    previous = row.name;
    if (/_[0-9]+$/.test(row.name)) fail(where, 'list a suffixed family once, without the suffix');
    if (typeof row.scope !== 'string' || !/^[a-z][a-z0-9_.]*$/.test(row.scope)) fail(where, 'scope must be a REST scope');
    if (typeof row.doc !== 'string' || !/^https:\/\/apidocs\.bitrix24\.com\/[^\s]+\.html(#[\w-]+)?$/.test(row.doc)) fail(where, 'doc must be an apidocs.bitrix24.com .html URL');
    if (typeof row.suffixed !== 'boolean') fail(where, 'suffixed must be a boolean');
    if (row.suffixed && (typeof row.suffix !== 'string' || !row.suffix)) fail(where, 'a suffixed family names its suffix');
    if (!row.suffixed && 'suffix' in row) fail(where, 'suffix given but suffixed is false');
    // data is normally an object shape; a few events deliver a bare value (data=107)
    if (row.data === undefined || Array.isArray(row.data) || (isPlainObject(row.data) && '*' in row.data && Object.keys(row.data).length === 0)) fail(where, 'data must be a shape');
    else checkShape(row.data, `${where} data`);
    if (isPlainObject(row.data) ? !isPlainObject(row.example) : typeof row.example !== 'string') fail(where, 'example must be an object (a string when data is a bare value)');
    else conforms(row.example, row.data, `${where} example`);
  });
  if (!errors.length) console.log(`events.json OK: ${registry.events.length} events`);
}
if (errors.length) {
  for (const e of errors) console.error(e);
  console.error(`${errors.length} problem(s) in ${file}`);
  process.exit(1);
}
