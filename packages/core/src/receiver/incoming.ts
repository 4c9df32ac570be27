import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { B24HookError } from '../errors.js';
import { errorResult } from './handle.js';
import { readStream } from './read-stream.js';
import { checkRequestLine } from './request-body.js';
import type { B24HandleOptions, B24HandleResult, Receiver } from './types.js';

/** What an adapter knows about a Node request, in the framework's own words. */
export interface IncomingSource {
  method: string;
  headers: IncomingHttpHeaders;
  /** The request stream; read only if no body parser consumed it first. */
  stream: Readable;
  /** `req.rawBody` / `ctx.request.rawBody`, when the app keeps it. */
  rawBody?: unknown;
  /** `req.body` / `ctx.request.body`, when a body parser already ran. */
  parsedBody?: unknown;
  /** Names the parser that ran first, for the warning. */
  framework: string;
}

const warned = new WeakSet<Receiver>();

function warnParsedOnce(receiver: Receiver, framework: string): void {
  if (warned.has(receiver)) return;
  warned.add(receiver);
  const message =
    `b24hooks: a body parser read the request before b24hooks (${framework}), so it works from that parser's result. ` +
    'Such parsers may already have lost data: qs turns data[BOT][<id>] into a list and drops the id, and stops after 1,000 parameters. ' +
    'Mount b24hooks before the body parser (or keep the raw body) to read exactly what Bitrix24 sent.';
  if (receiver.logger) receiver.logger.warn(message);
  else process.emitWarning(message, { code: 'B24HOOKS_PREPARSED_BODY' });
}

function streamUnread(stream: Readable): boolean {
  return !stream.readableDidRead && !stream.readableEnded && stream.readable;
}

function isRaw(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

/**
 * The body-source rules every adapter shares: the unread stream first (read under the
 * receiver's limit), then a kept raw body, then what a body parser made of it. Never throws.
 */
export function handleIncoming(
  receiver: Receiver,
  source: IncomingSource,
  options?: B24HandleOptions,
): Promise<B24HandleResult> {
  try {
    return incoming(receiver, source, options);
  } catch (error) {
    // A source or receiver that throws: a rejection, as from an async function.
    return Promise.reject(error);
  }
}

function incoming(receiver: Receiver, source: IncomingSource, options: B24HandleOptions | undefined): Promise<B24HandleResult> {
  const contentType = source.headers['content-type'];
  const early = checkRequestLine(source.method, contentType);
  if (early instanceof B24HookError) return Promise.resolve(errorResult(early));
  const handle = (body: string | Uint8Array | object): Promise<B24HandleResult> => receiver.handle({ method: source.method, contentType, body }, options);
  let body: string | Uint8Array | object;
  try {
    // The common case, and the only asynchronous one: no promise layer between the read and handle().
    if (streamUnread(source.stream)) {
      const encoded = unreadableEncoding(source.headers['content-encoding']);
      if (encoded !== undefined) return Promise.resolve(refused(receiver, compressed(encoded)));
      return readStream(source.stream, source.headers, receiver.limits.maxBodyBytes).then(handle, (caught: unknown) => refused(receiver, caught));
    }
    body = bodyLeft(receiver, source);
  } catch (caught) {
    return Promise.resolve(refused(receiver, caught));
  }
  return handle(body);
}

/** What a body parser (or the app) left when the stream was already read. */
function bodyLeft(receiver: Receiver, source: IncomingSource): string | Uint8Array | object {
  if (isRaw(source.rawBody)) return source.rawBody;
  // express.raw() or express.text() kept the bytes as they came.
  if (isRaw(source.parsedBody)) return source.parsedBody;
  if (source.parsedBody !== null && typeof source.parsedBody === 'object') {
    warnParsedOnce(receiver, source.framework);
    return source.parsedBody;
  }
  throw new B24HookError(
    'MALFORMED_BODY',
    'The request body was consumed before b24hooks and nothing it left can be used. Mount b24hooks before other body readers, or keep the raw body (rawBody).',
  );
}

/**
 * The first content coding other than `identity` the header names, if any. Bitrix24 sends bodies
 * as they are; a compressed one would otherwise reach the parse and be refused as bytes that are
 * not UTF-8, which says nothing of the cause. A body parser that ran first has decoded the body
 * (body-parser and koa-body inflate), so only a stream b24hooks reads itself is checked.
 */
function unreadableEncoding(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const coding of String(header).split(',')) {
    const name = coding.trim().toLowerCase();
    if (name !== '' && name !== 'identity') return name;
  }
  return undefined;
}

function compressed(coding: string): B24HookError {
  const named = /^[a-z0-9!#$%&'*+.^_`|~-]{1,32}$/.test(coding) ? ` (${coding})` : '';
  return new B24HookError(
    'UNSUPPORTED_MEDIA_TYPE',
    `b24hooks reads the body as it is sent and does not decompress it${named}. Bitrix24 sends events uncompressed: ` +
      'remove the Content-Encoding on the way (a proxy?), or decompress the body before b24hooks and keep the raw bytes (rawBody).',
  );
}

function refused(receiver: Receiver, caught: unknown): B24HandleResult {
  const error = caught instanceof B24HookError ? caught : new B24HookError('MALFORMED_BODY', 'The body could not be read.', { cause: caught });
  receiver.logger?.warn(`b24hooks refused a request: ${error.code}`, { code: error.code, status: error.status });
  return errorResult(error);
}
