import type { IncomingMessage } from 'node:http';
import type { IncomingSource } from '@b24hooks/core';

/** The request as Nest's Express platform hands it over. */
export interface NestHttpRequest extends IncomingMessage {
  method: string;
  /** Set by Nest's body parser when the app is created with `{ rawBody: true }`. */
  rawBody?: unknown;
  /** Set by Nest's global body parser (on unless the app is created with `{ bodyParser: false }`). */
  body?: unknown;
}

const PARSER = "Nest's global body parser; create the app with { rawBody: true } or { bodyParser: false }";

/** Hands core what Nest left of the request; core picks the body source (stream, rawBody, parsed body). */
export function incomingSource(req: NestHttpRequest): IncomingSource {
  return { method: req.method, headers: req.headers, stream: req, rawBody: req.rawBody, parsedBody: req.body, framework: PARSER };
}
