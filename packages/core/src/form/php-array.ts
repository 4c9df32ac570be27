import { B24HookError } from '../errors.js';
import { replaceAscii } from './decode.js';
import { tooDeep } from './limits.js';
import type { FormList, FormObject, FormValue } from './types.js';

/**
 * A PHP array while it is being filled: integer-key bookkeeping for `a[]`, and the list-or-map
 * decision `json_encode` makes from insertion order. The values go straight into the object that
 * becomes the result: a JS object orders its keys as the result does whatever the insertion order
 * (integer-like keys first, ascending, then the rest as inserted), so only the arrays nested in it
 * are swapped for their plain values at the end, and a 1,490-field map is never copied.
 */
export class PhpArray {
  private readonly object: Record<string, PhpArray | string> = {};
  /** Keys that were given an array, each once per time: their values are swapped at the end. */
  private arrays: string[] | undefined;
  /** Whether the keys so far were exactly `0..size-1` in insertion order; `size` counts them while so. */
  private isList = true;
  private size = 0;
  /**
   * PHP's `nNextFreeElement`: one past the largest integer key so far, capped at PHP_INT_MAX.
   * A number while keys are short; a bigint once a 16-19 digit key (still a PHP integer) arrives.
   */
  private nextIndex: number | bigint | undefined;

  set(key: string, value: PhpArray | string): void {
    this.store(key, value);
    this.noteIntegerKey(key);
  }

  /** `a[]`: stores under the next free index. False when that index is taken (after PHP_INT_MAX), as PHP drops the pair. */
  append(value: PhpArray | string): boolean {
    const next = this.nextIndex ?? 0;
    const key = String(next);
    if (Object.hasOwn(this.object, key)) return false;
    this.store(key, value);
    this.nextIndex = typeof next === 'bigint' ? (next < PHP_INT_MAX ? next + 1n : PHP_INT_MAX) : next + 1;
    return true;
  }

  /** The array stored under `key`, replacing a string there as PHP does. */
  child(key: string): PhpArray {
    // Inherited members (`toString`…) are never a PhpArray, so no own-key test is needed.
    const existing = this.object[key];
    if (existing instanceof PhpArray) return existing;
    const created = new PhpArray();
    this.set(key, created);
    return created;
  }

  appendChild(): PhpArray | undefined {
    const created = new PhpArray();
    return this.append(created) ? created : undefined;
  }

  private store(key: string, value: PhpArray | string): void {
    // Order matters only while the keys may still make a list: a key already present (one of
    // `0..size-1`, so short) keeps its place; any other but the next index ends the list.
    if (this.isList) {
      if (key === String(this.size)) this.size++;
      else if (key.length > MAX_INDEX_DIGITS || !Object.hasOwn(this.object, key)) this.isList = false;
    }
    this.object[key] = value;
    if (typeof value !== 'string') (this.arrays ??= []).push(key);
  }

  private noteIntegerKey(key: string): void {
    if (!isPhpIntegerKey(key)) return;
    if (key.length <= MAX_SAFE_DIGITS) {
      const value = Number(key);
      if (this.nextIndex === undefined || value >= this.nextIndex) this.nextIndex = value + 1;
    } else {
      const value = BigInt(key);
      if (this.nextIndex === undefined || value >= this.nextIndex) this.nextIndex = value < PHP_INT_MAX ? value + 1n : PHP_INT_MAX;
    }
  }

  /** Keys exactly `0..n-1` in insertion order make a list, as PHP's `json_encode` decides. */
  toValue(): FormObject | FormList {
    if (!this.isList) return this.toObject();
    const list: FormList = [];
    for (let index = 0; index < this.size; index++) list.push(plain(this.object[index]!));
    return list;
  }

  /** The result, built in place: call once, when the array is complete. */
  toObject(): FormObject {
    const object = this.object as Record<string, FormValue | PhpArray>;
    if (this.arrays === undefined) return object as FormObject;
    for (const key of this.arrays) {
      const value = object[key];
      // A key given an array, then a string or another array, is listed more than once.
      if (value instanceof PhpArray) object[key] = value.toValue();
    }
    return object as FormObject;
  }
}

function plain(value: PhpArray | string): FormValue {
  return typeof value === 'string' ? value : value.toValue();
}

/** No list index of a PHP array is longer (PHP_INT_MAX has 19 digits). */
const MAX_INDEX_DIGITS = 19;
/** Keys this long (sign included) are safe JS integers; longer ones need bigint arithmetic. */
const MAX_SAFE_DIGITS = 15;
const PHP_INT_MAX = 9223372036854775807n;
const PHP_INT_MAX_DIGITS = '9223372036854775807';
const PHP_INT_MIN_DIGITS = '9223372036854775808';

/**
 * PHP turns canonical decimal strings that fit a 64-bit integer into integer keys ("5", "-3",
 * "9223372036854775807"; not "05", "+5", "-0", "9223372036854775808").
 */
export function isPhpIntegerKey(key: string): boolean {
  const length = key.length;
  if (length === 0 || length > PHP_INT_MIN_DIGITS.length + 1) return false;
  const negative = key.charCodeAt(0) === 0x2d;
  let i = negative ? 1 : 0;
  if (i === length) return false;
  const first = key.charCodeAt(i);
  if (first === 0x30) return length === 1;
  if (first < 0x31 || first > 0x39) return false;
  for (i++; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  const digits = negative ? length - 1 : length;
  if (digits < PHP_INT_MAX_DIGITS.length) return true;
  if (digits > PHP_INT_MAX_DIGITS.length) return false;
  // Same length: string order is numeric order.
  return (negative ? key.slice(1) : key) <= (negative ? PHP_INT_MIN_DIGITS : PHP_INT_MAX_DIGITS);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function checkKey(key: string): string {
  // The length test spares hashing every key: the forbidden ones are 9 or 11 characters long.
  if ((key.length === 9 || key.length === 11) && FORBIDDEN_KEYS.has(key)) {
    throw new B24HookError(
      'MALFORMED_BODY',
      `The body uses "${key}" as a key, which b24hooks refuses to protect object prototypes. Bitrix24 never sends it.`,
    );
  }
  return key;
}

/** C's isspace(): space, \t, \n, \v, \f, \r. */
function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** PHP replaces these in variable names, since they cannot appear in a PHP variable. */
function mangleName(name: string, alsoBracket: boolean): string {
  if (!alsoBracket && name.indexOf(' ') === -1 && name.indexOf('.') === -1) return name;
  return replaceAscii(name, 0x20, 0x5f, 0x2e, alsoBracket ? 0x5b : -1);
}

/** Letters, digits, `_` and `-`: name characters that decode to themselves and PHP keeps as they are. */
function isNameChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d;
}

/** Past `%5B` / `%5b` (bracket `0x42` B) or `%5D` / `%5d` at `at`, or -1. */
function escapedBracket(text: string, at: number, letter: number): number {
  return text.charCodeAt(at) === 0x25 && text.charCodeAt(at + 1) === 0x35 && (text.charCodeAt(at + 2) | 0x20) === letter ? at + 3 : -1;
}

/** Real keys stay far below this; Bitrix24's longest are about 60 characters. */
const WRITTEN_KEY_CHARS = 160;
const OPEN_LETTER = 0x62;
const CLOSE_LETTER = 0x64;

/**
 * The key `text[from, to)` as http_build_query writes keys, `name%5Bkey%5D…`: a name of letters,
 * digits, `_` and `-`, then escaped brackets around keys of characters that decode to themselves
 * (no `%`, `+`, bracket, space or control character). Such a key is registered from its raw text,
 * with no decoded copy: the same steps as `registerVariable` on its decoding. Any other key (or
 * an empty `%5B%5D`) returns false, having changed nothing, for the general path.
 */
export function registerWrittenKey(root: PhpArray, text: string, from: number, to: number, value: string, maxDepth: number): boolean {
  // Read a character at a time, a long key costs more than the native searches of the general path.
  if (to - from > WRITTEN_KEY_CHARS) return false;
  let at = from;
  while (at < to && isNameChar(text.charCodeAt(at))) at++;
  if (at === from) return false;
  const nameEnd = at;
  // Checked whole before anything is stored, so that a false leaves the array as it was.
  while (at < to) {
    const open = escapedBracket(text, at, OPEN_LETTER);
    if (open === -1) return false;
    at = open;
    for (let code = text.charCodeAt(at); at < to && code !== 0x25 && code !== 0x2b && code > 0x20 && code !== 0x5b && code !== 0x5d; code = text.charCodeAt(++at));
    if (at === open || at >= to) return false;
    at = escapedBracket(text, at, CLOSE_LETTER);
    if (at === -1 || at > to) return false;
  }
  let target = root;
  let index = text.slice(from, nameEnd);
  let depth = 0;
  for (at = nameEnd; at < to; ) {
    const start = at + 3;
    const end = text.indexOf('%', start);
    if (++depth > maxDepth) throw tooDeep(maxDepth);
    target = target.child(checkKey(index));
    index = text.slice(start, end);
    at = end + 3;
  }
  target.set(checkKey(index), value);
  return true;
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
    // PHP skips one isspace() character before looking for `]`, so `a[ ]`, `a[+]` and `a[%09]`
    // append like `a[]`, while `a[ b]` keeps its space.
    const probe = isCSpace(key.charCodeAt(start)) ? start + 1 : start;
    if (key.charCodeAt(probe) === 0x5d) {
      next = null;
      close = probe;
    } else {
      close = key.indexOf(']', probe);
      if (close === -1) {
        // An unclosed bracket is not an index: at the first level PHP folds it into the name.
        if (depth === 0) index = `${base}_${mangleName(key.slice(start), true)}`;
        break;
      }
      next = key.slice(start, close);
    }
    if (++depth > maxDepth) throw tooDeep(maxDepth);
    const child = index === null ? target.appendChild() : target.child(checkKey(index));
    if (child === undefined) return;
    target = child;
    index = next;
    position = close + 1;
    if (key.charCodeAt(position) !== 0x5b) break;
  }

  if (index === null) target.append(value);
  else target.set(checkKey(index), value);
}
