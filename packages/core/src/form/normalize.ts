import { B24HookError } from '../errors.js';
import { phpScalarText } from './encode.js';
import { resolveFormLimits, tooDeep, tooManyParams, type FormLimits } from './limits.js';
import { PhpArray, registerVariable } from './php-array.js';
import type { FormObject } from './types.js';

/**
 * Rebuilds the `FormObject` that `parseForm` would have given, from what another parser made of
 * the body: flat `"a[b]"` keys (`express.urlencoded({ extended: false })`, `querystring`), nested
 * objects (`qs`, `extended: true`, `@koa/bodyparser`), or a JSON body. Scalars are written as PHP
 * would write them; `null` is left out. Each leaf goes through PHP's key rules, so the result
 * equals `parseForm(encodeForm(value))`.
 *
 * What the other parser already lost cannot come back: `qs` compacts sparse lists
 * (`data[BOT][5]` arrives as `[ {...} ]`, the id gone) and drops pairs past its parameter limit.
 */
export function normalizeForm(parsed: Record<string, unknown>, limits?: FormLimits): FormObject {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new B24HookError('MALFORMED_BODY', 'The body must be an object of named fields (a form or a JSON object).');
  }
  const { maxParams, maxDepth } = resolveFormLimits(limits);
  const root = new PhpArray();
  // Containers count too: empty lists and maps add no pair, but a shared child can be reached
  // many times, and a cyclic object for ever.
  const state: WalkState = { params: 0, maxParams, maxDepth, containers: 0, maxContainers: maxParams * (maxDepth + 1), open: new Set() };
  for (const key of Object.keys(parsed)) visit(root, checkText(key, key), parsed[key], state, 0, true);
  return root.toObject();
}

interface WalkState {
  params: number;
  maxParams: number;
  maxDepth: number;
  containers: number;
  maxContainers: number;
  /** The containers being walked, to refuse one that contains itself. */
  open: Set<object>;
}

function visit(root: PhpArray, path: string, value: unknown, state: WalkState, depth: number, flatKey = false): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object') {
    if (++state.params > state.maxParams) throw tooManyParams(state.maxParams);
    registerVariable(root, path, scalarText(value, path), state.maxDepth);
    return;
  }
  // Bounded before recursing: a 4 KB JSON body of nested lists must not reach the stack's end.
  if (depth >= state.maxDepth) throw tooDeep(state.maxDepth);
  if (++state.containers > state.maxContainers) throw tooManyParams(state.maxParams);
  if (state.open.has(value)) {
    throw new B24HookError('MALFORMED_BODY', `The body field ${path} contains itself; a form cannot carry a cyclic object.`);
  }
  state.open.add(value);
  if (Array.isArray(value)) {
    // `querystring` gives repeated `a[]` keys as one array: each element is one more `a[]` pair.
    // Only a top-level key can be such a flat key; nested, `{ "": [...] }` is `[][0]`, `[][1]`.
    const appends = flatKey && path.endsWith('[]');
    for (let index = 0; index < value.length; index++) {
      visit(root, appends ? path : `${path}[${index}]`, value[index], state, depth + 1);
    }
  } else {
    for (const key of Object.keys(value)) {
      checkText(key, path);
      // `qs` leaves keys past its depth as a literal "[g][h]" suffix: appending it restores the key.
      const child = key.startsWith('[') ? path + key : `${path}[${key}]`;
      visit(root, child, (value as Record<string, unknown>)[key], state, depth + 1);
    }
  }
  state.open.delete(value);
}

/** A string with a lone surrogate has no UTF-8 form: refused here as the form parser refuses its bytes. */
function checkText(text: string, path: string): string {
  if (!text.isWellFormed()) {
    throw new B24HookError(
      'MALFORMED_BODY',
      `The body field ${path.isWellFormed() ? path : 'named with a lone surrogate'} holds a lone UTF-16 surrogate (such as \\ud800), which is not valid UTF-8. Check the sender.`,
    );
  }
  return text;
}

function scalarText(value: unknown, path: string): string {
  if (typeof value === 'string') return checkText(value, path);
  const text = phpScalarText(value);
  if (text === undefined) {
    throw new B24HookError('MALFORMED_BODY', `The body field ${path} holds a ${typeof value}, which a form cannot carry.`);
  }
  return text;
}
