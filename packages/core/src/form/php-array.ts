import { B24HookError } from '../errors.js';
import { tooDeep } from './limits.js';
import type { FormList, FormObject, FormValue } from './types.js';

/**
 * A PHP array while it is being filled: insertion order, integer-key bookkeeping for `a[]`, and
 * the list-or-map decision `json_encode` makes. JS objects cannot do this themselves, since they
 * reorder integer-like keys.
 */
export class PhpArray {
  readonly entries = new Map<string, PhpArray | string>();
  private nextIndex: number | undefined;

  set(key: string, value: PhpArray | string): void {
    this.entries.set(key, value);
    this.noteIntegerKey(key);
  }

  append(value: PhpArray | string): void {
    const key = String(this.nextIndex ?? 0);
    this.entries.set(key, value);
    this.nextIndex = (this.nextIndex ?? 0) + 1;
  }

  /** The array stored under `key`, replacing a string there as PHP does. */
  child(key: string): PhpArray {
    const existing = this.entries.get(key);
    if (existing instanceof PhpArray) return existing;
    const created = new PhpArray();
    this.set(key, created);
    return created;
  }

  appendChild(): PhpArray {
    const created = new PhpArray();
    this.append(created);
    return created;
  }

  private noteIntegerKey(key: string): void {
    if (!isPhpIntegerKey(key)) return;
    const value = Number(key);
    if (this.nextIndex === undefined || value >= this.nextIndex) this.nextIndex = value + 1;
  }

  /** Keys exactly `0..n-1` in insertion order make a list, as PHP's `json_encode` decides. */
  toValue(): FormObject | FormList {
    let isList = true;
    let expected = 0;
    for (const key of this.entries.keys()) {
      if (key !== String(expected++)) {
        isList = false;
        break;
      }
    }
    if (isList) {
      const list: FormList = [];
      for (const value of this.entries.values()) list.push(plain(value));
      return list;
    }
    return this.toObject();
  }

  toObject(): FormObject {
    const object: FormObject = {};
    for (const [key, value] of this.entries) object[key] = plain(value);
    return object;
  }
}

function plain(value: PhpArray | string): FormValue {
  return typeof value === 'string' ? value : value.toValue();
}

const MAX_SAFE_DIGITS = 15;

/** PHP turns canonical decimal strings into integer keys ("5", "-3"; not "05", "+5", "-0"). */
export function isPhpIntegerKey(key: string): boolean {
  const length = key.length;
  if (length === 0 || length > MAX_SAFE_DIGITS + 1) return false;
  let i = key.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === length) return false;
  const first = key.charCodeAt(i);
  if (first === 0x30) return length === 1;
  if (first < 0x31 || first > 0x39) return false;
  for (i++; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function checkKey(key: string): string {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new B24HookError(
      'MALFORMED_BODY',
      `The body uses "${key}" as a key, which b24hooks refuses to protect object prototypes. Bitrix24 never sends it.`,
    );
  }
  return key;
}

/** PHP replaces these in variable names, since they cannot appear in a PHP variable. */
function mangleName(name: string, alsoBracket: boolean): string {
  return alsoBracket ? name.replace(/[ .[]/g, '_') : name.replace(/[ .]/g, '_');
}

/**
 * Stores one decoded `key=value` pair the way PHP's `php_register_variable_ex` does for
 * `parse_str`, except that nesting deeper than `maxDepth` is refused instead of dropped.
 */
export function registerVariable(root: PhpArray, rawKey: string, value: string, maxDepth: number): void {
  const nul = rawKey.indexOf('\0');
  let key = nul === -1 ? rawKey : rawKey.slice(0, nul);
  if (key.charCodeAt(0) === 0x20) key = key.replace(/^ +/, '');

  const open = key.indexOf('[');
  if (open === -1) {
    if (key.length > 0) root.set(checkKey(mangleName(key, false)), value);
    return;
  }
  if (open === 0) return;

  const base = mangleName(key.slice(0, open), false);
  let target = root;
  let index: string | null = base;
  let position = open;
  let depth = 0;

  for (;;) {
    const start = position + 1;
    let next: string | null;
    let close: number;
    if (key.charCodeAt(start) === 0x5d) {
      next = null;
      close = start;
    } else {
      close = key.indexOf(']', start);
      if (close === -1) {
        // An unclosed bracket is not an index: at the first level PHP folds it into the name.
        if (depth === 0) index = `${base}_${mangleName(key.slice(start), true)}`;
        break;
      }
      next = key.slice(start, close);
    }
    if (++depth > maxDepth) throw tooDeep(maxDepth);
    target = index === null ? target.appendChild() : target.child(checkKey(index));
    index = next;
    position = close + 1;
    if (key.charCodeAt(position) !== 0x5b) break;
  }

  if (index === null) target.append(value);
  else target.set(checkKey(index), value);
}
