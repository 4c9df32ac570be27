import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { B24HookError } from '../errors.js';
import { bodyTooLarge } from '../form/limits.js';

/**
 * raw-body and its dependencies are a third of what importing core costs, and only bodies of no
 * declared length (or one over the limit) need them: loaded on the first such request, once.
 */
let rawBody: Promise<{ default: typeof import('raw-body') }> | undefined;

const notComplete = (cause: unknown): B24HookError =>
  new B24HookError(
    'MALFORMED_BODY',
    'The body could not be read completely (its length differs from Content-Length, or the stream failed).',
    { cause },
  );

const aborted = (cause: unknown): B24HookError =>
  new B24HookError('MALFORMED_BODY', 'The client closed the connection before the whole body arrived.', { cause });

function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const declared = Number(headers['content-length']);
  return Number.isFinite(declared) && declared >= 0 ? declared : undefined;
}

/**
 * Reads the whole unread request body under `maxBytes`. A refusal leaves the stream flowing, so
 * that what the client still sends is drained: a kept-alive connection would otherwise wait for
 * ever behind the unread rest of the body.
 */
export function readStream(stream: Readable, headers: IncomingHttpHeaders, maxBytes: number): Promise<Uint8Array> {
  const declared = declaredLength(headers);
  // What Bitrix24 sends: a Content-Length within the limit, on a stream nobody set an encoding on.
  // Read with a few listeners, as raw-body does, without its option parsing, promise wrapper and
  // copy of a single chunk; anything else (chunked, over the limit, odd streams) goes to raw-body.
  if (declared !== undefined && Number.isInteger(declared) && declared <= maxBytes && stream.readableEncoding === null) {
    return readDeclared(stream, declared, maxBytes);
  }
  return readWithRawBody(stream, declared, maxBytes);
}

/** The same listeners and outcomes as raw-body's, for a body of a known length within the limit. */
function readDeclared(stream: Readable, length: number, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      stream.off('aborted', onAborted);
      stream.off('close', cleanup);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onEnd);
    };
    const refuse = (error: B24HookError): void => {
      cleanup();
      stream.resume();
      reject(error);
    };
    function onData(chunk: Buffer): void {
      received += chunk.length;
      if (received > maxBytes) refuse(bodyTooLarge(maxBytes));
      else chunks.push(chunk);
    }
    function onEnd(error?: unknown): void {
      if (error !== undefined) return refuse(notComplete(error));
      if (received !== length) return refuse(notComplete(new Error('request size did not match content length')));
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    }
    function onAborted(): void {
      refuse(aborted(new Error('request aborted')));
    }
    // As with raw-body, a stream closed before it ended or failed (which Node reports as 'aborted'
    // or 'error' first) only drops the listeners.
    stream.on('aborted', onAborted);
    stream.on('close', cleanup);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onEnd);
  });
}

async function readWithRawBody(stream: Readable, declared: number | undefined, maxBytes: number): Promise<Uint8Array> {
  try {
    const { default: getRawBody } = await (rawBody ??= import('raw-body'));
    return await getRawBody(stream, { limit: maxBytes, ...(declared !== undefined ? { length: declared } : {}) });
  } catch (error) {
    // raw-body leaves the stream paused where it stopped.
    stream.resume();
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw bodyTooLarge(maxBytes);
    throw type === 'request.aborted' ? aborted(error) : notComplete(error);
  }
}
