import { B24HookError } from '../errors.js';
import { checkUtf8 } from '../form/decode.js';
import { bodyTooLarge, type ResolvedFormLimits } from '../form/limits.js';
import { normalizeForm } from '../form/normalize.js';
import { parseForm } from '../form/parse.js';
import type { FormObject } from '../form/types.js';

export type BodyKind = 'form' | 'json';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Refuses what is not a POST of a form (or JSON) before any body is read. */
export function checkRequestLine(method: unknown, contentType: unknown): BodyKind | B24HookError {
  if (method !== 'POST' && (typeof method !== 'string' || method.toUpperCase() !== 'POST')) {
    return new B24HookError('METHOD_NOT_ALLOWED', 'Bitrix24 delivers events with POST; this endpoint accepts only POST.');
  }
  // Bitrix24 sends exactly this header: the common case skips splitting and lower-casing.
  if (contentType === FORM_TYPE) return 'form';
  const mediaType = typeof contentType === 'string' ? contentType.split(';', 1)[0]?.trim().toLowerCase() : undefined;
  if (mediaType === FORM_TYPE) return 'form';
  if (mediaType === 'application/json' || mediaType?.endsWith('+json')) return 'json';
  return new B24HookError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Send the event as ${FORM_TYPE} (as Bitrix24 does) or as application/json; got ${mediaType ? `"${mediaType}"` : 'no Content-Type'}.`,
  );
}

/** Raw bodies as text, with the byte limit checked before any work. */
export function bodyText(body: string | Uint8Array, limits: ResolvedFormLimits): string {
  if (typeof body === 'string') {
    // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no byte count.
    if (body.length * 3 > limits.maxBodyBytes && Buffer.byteLength(body) > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
    return body;
  }
  return checkedBytes(body, limits).toString('utf8');
}

/**
 * Body bytes as a Buffer, refused as `bodyText` refuses them (over the byte limit, then not
 * UTF-8) but not yet turned into text: a refusal may need only a few of them.
 */
export function checkedBytes(body: Uint8Array, limits: ResolvedFormLimits): Buffer {
  if (body.byteLength > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
  return checkUtf8(body);
}

export function parseJson(text: string, limits: ResolvedFormLimits): FormObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new B24HookError('MALFORMED_BODY', 'The body is not valid JSON. Send the event form-encoded as Bitrix24 does, or as a JSON object.');
  }
  return normalizeObject(value, limits);
}

export function normalizeObject(value: unknown, limits: ResolvedFormLimits): FormObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new B24HookError('MALFORMED_BODY', 'The body must be an object of named fields (event, data, ts, auth).');
  }
  try {
    return normalizeForm(value as Record<string, unknown>, limits);
  } catch (error) {
    if (error instanceof B24HookError) throw error;
    // A getter that throws, a revoked proxy: the caller's object, not b24hooks, is at fault.
    throw new B24HookError('MALFORMED_BODY', 'The body object could not be read as plain fields (a property threw).', { cause: error });
  }
}

export function parseText(text: string, kind: BodyKind, limits: ResolvedFormLimits): FormObject {
  return kind === 'json' ? parseJson(text, limits) : parseForm(text, limits);
}
