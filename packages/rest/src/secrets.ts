import { inspect } from 'node:util';

/**
 * Replaces every secret in `text` with `***`. Used on anything that may carry a URL or a
 * request (fetch's own messages name the URL, and a webhook URL holds its secret).
 */
export function scrub(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  return out;
}

/**
 * A copy of a low-level failure that keeps what helps (name, message, errno code) without the
 * original object, whose fields (a Request, a URL, headers) may hold a secret.
 */
export function safeCause(error: unknown, secrets: Iterable<string | undefined>): Error {
  const list = [...secrets];
  const message = error instanceof Error ? error.message : String(error);
  const copy = new Error(scrub(message, list));
  copy.name = error instanceof Error ? error.name : 'Error';
  const code = errnoCode(error);
  if (code !== undefined) (copy as Error & { code?: string }).code = code;
  const inner = (error as { cause?: unknown } | null)?.cause;
  if (inner !== undefined && inner !== error) {
    Object.defineProperty(copy, 'cause', { value: safeCause(inner, list), enumerable: false, configurable: true, writable: true });
  }
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

export function errnoCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors) && errors.length > 0) return errnoCode(errors[0]);
  return cause === error ? undefined : errnoCode(cause);
}

/**
 * Makes `target` print and serialize as `view()` only: the object a user holds (a client, a
 * session) keeps its secrets in closures, and this covers what is left.
 */
export function describeAs<T extends object>(target: T, view: () => Record<string, unknown>): T {
  Object.defineProperty(target, 'toJSON', { value: view, enumerable: false });
  Object.defineProperty(target, inspect.custom, {
    value: (_depth: number, options: object) => inspect(view(), options),
    enumerable: false,
  });
  return target;
}
