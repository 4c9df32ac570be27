import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeForm, parseForm, type FormObject } from '@b24hooks/core';

const MAX_BODY = 10 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request's parameters: the query string, then the body (form or JSON) over it. */
export function requestParams(req: IncomingMessage, body: Buffer, url: URL): FormObject {
  const query = url.search.length > 1 ? parseForm(url.search.slice(1)) : {};
  if (body.length === 0) return query;
  const type = req.headers['content-type'] ?? '';
  const fromBody = /json/i.test(type) ? normalizeForm(JSON.parse(body.toString('utf8')) as Record<string, unknown>) : parseForm(body);
  return { ...query, ...fromBody };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
