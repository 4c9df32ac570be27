import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { B24HookError } from '../errors.js';
import { bodyTooLarge } from '../form/limits.js';
import { errorResult } from './handle.js';
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
 * raw-body and its dependencies are a third of what importing core costs, and only adapters that
 * read a stream need them: loaded on the first such request, once.
 */
let rawBody: Promise<{ default: typeof import('raw-body') }> | undefined;

async function readStream(source: IncomingSource, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(source.headers['content-length']);
  try {
    const { default: getRawBody } = await (rawBody ??= import('raw-body'));
    return await getRawBody(source.stream, {
      limit: maxBytes,
      ...(Number.isFinite(declared) && declared >= 0 ? { length: declared } : {}),
    });
  } catch (error) {
    // raw-body leaves the stream paused where it stopped: drain what the client still sends, or a
    // kept-alive connection would wait for ever behind the unread rest of this body.
    source.stream.resume();
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw bodyTooLarge(maxBytes);
    throw new B24HookError(
      'MALFORMED_BODY',
      type === 'request.aborted'
        ? 'The client closed the connection before the whole body arrived.'
        : 'The body could not be read completely (its length differs from Content-Length, or the stream failed).',
      { cause: error },
    );
  }
}

/**
 * The body-source rules every adapter shares: the unread stream first (read with raw-body under the
 * receiver's limit), then a kept raw body, then what a body parser made of it. Never throws.
 */
export async function handleIncoming(
  receiver: Receiver,
  source: IncomingSource,
  options?: B24HandleOptions,
): Promise<B24HandleResult> {
  const contentType = source.headers['content-type'];
  const early = checkRequestLine(source.method, contentType);
  if (early instanceof B24HookError) return errorResult(early);
  let body: string | Uint8Array | object;
  try {
    if (streamUnread(source.stream)) {
      body = await readStream(source, receiver.limits.maxBodyBytes);
    } else if (isRaw(source.rawBody)) {
      body = source.rawBody;
    } else if (isRaw(source.parsedBody)) {
      // express.raw() or express.text() kept the bytes as they came.
      body = source.parsedBody;
    } else if (source.parsedBody !== null && typeof source.parsedBody === 'object') {
      warnParsedOnce(receiver, source.framework);
      body = source.parsedBody;
    } else {
      throw new B24HookError(
        'MALFORMED_BODY',
        'The request body was consumed before b24hooks and nothing it left can be used. Mount b24hooks before other body readers, or keep the raw body (rawBody).',
      );
    }
  } catch (caught) {
    const error = caught instanceof B24HookError ? caught : new B24HookError('MALFORMED_BODY', 'The body could not be read.', { cause: caught });
    receiver.logger?.warn(`b24hooks refused a request: ${error.code}`, { code: error.code, status: error.status });
    return errorResult(error);
  }
  return receiver.handle({ method: source.method, contentType, body }, options);
}
