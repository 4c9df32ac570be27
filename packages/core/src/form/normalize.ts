import { B24HookError } from '../errors.js';
import { phpScalarText } from './encode.js';
import { resolveFormLimits, tooManyParams, type FormLimits } from './limits.js';
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
  const state = { params: 0, maxParams, maxDepth };
  for (const key of Object.keys(parsed)) visit(root, key, parsed[key], state, true);
  return root.toObject();
}

interface WalkState {
  params: number;
  maxParams: number;
  maxDepth: number;
}

function visit(root: PhpArray, path: string, value: unknown, state: WalkState, flatKey = false): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    // `querystring` gives repeated `a[]` keys as one array: each element is one more `a[]` pair.
    // Only a top-level key can be such a flat key; nested, `{ "": [...] }` is `[][0]`, `[][1]`.
    const appends = flatKey && path.endsWith('[]');
    value.forEach((item, index) => visit(root, appends ? path : `${path}[${index}]`, item, state));
    return;
  }
  if (typeof value === 'object') {
    for (const key of Object.keys(value)) {
      // `qs` leaves keys past its depth as a literal "[g][h]" suffix: appending it restores the key.
      const child = key.startsWith('[') ? path + key : `${path}[${key}]`;
      visit(root, child, (value as Record<string, unknown>)[key], state);
    }
    return;
  }
  if (++state.params > state.maxParams) throw tooManyParams(state.maxParams);
  registerVariable(root, path, scalarText(value, path), state.maxDepth);
}

function scalarText(value: unknown, path: string): string {
  const text = phpScalarText(value);
  if (text === undefined) {
    throw new B24HookError('MALFORMED_BODY', `The body field ${path} holds a ${typeof value}, which a form cannot carry.`);
  }
  return text;
}
