/**
 * Sends a conformance case to a real server and reads the answer. Plain deliveries go through
 * supertest; the stream behaviours (chunked, an early answer, a client that leaves) need
 * node:http's request stream.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import supertest from 'supertest';
import type { CaseRequest } from './cases.js';

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** For `announce`: how many body bytes the client had sent when the answer came. */
  sentBytes?: number;
}

const ANSWER_TIMEOUT_MS = 10_000;

export async function send(baseUrl: string, path: string, request: CaseRequest): Promise<HttpAnswer | 'no-answer'> {
  const transfer = request.transfer ?? { kind: 'content-length' };
  // supertest would add a content type of its own to a body sent without one.
  if (transfer.kind === 'content-length' && (request.body === undefined || request.headers['content-type'])) {
    return sendWhole(baseUrl, path, request);
  }
  const body = Buffer.from(request.body ?? '');
  const url = new URL(path, baseUrl);
  const chunked = transfer.kind === 'chunked';
  const headers: Record<string, string | number> = { ...request.headers };
  if (!chunked) headers['content-length'] = body.length;
  const req = httpRequest(url, { method: request.method, headers, agent: false });
  const answer = readAnswer(req);

  if (transfer.kind === 'disconnect') {
    req.write(body.subarray(0, transfer.sendBytes));
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await answer.catch(() => undefined);
    return 'no-answer';
  }
  if (transfer.kind === 'announce') {
    // Send a part, then wait: a server that waits for the rest would never answer.
    req.write(body.subarray(0, transfer.sendBytes));
    const result = await answer;
    req.destroy();
    return { ...result, sentBytes: transfer.sendBytes };
  }
  if (transfer.kind === 'content-length') {
    req.end(body);
    return answer;
  }
  // Chunked: keep writing until the body is sent or the server answers (it may answer early).
  let answered = false;
  answer.then(
    () => (answered = true),
    () => (answered = true),
  );
  for (let at = 0; at < body.length && !answered; at += transfer.chunkBytes) {
    const more = req.write(body.subarray(at, at + transfer.chunkBytes));
    if (!more) await Promise.race([new Promise((resolve) => req.once('drain', resolve)), answer.catch(() => undefined)]);
  }
  if (!answered) req.end();
  const result = await answer;
  req.destroy();
  return result;
}

async function sendWhole(baseUrl: string, path: string, request: CaseRequest): Promise<HttpAnswer> {
  const agent = supertest(baseUrl);
  const method = request.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
  let test = agent[method](path);
  for (const [name, value] of Object.entries(request.headers)) test = test.set(name, value);
  // The body goes out byte for byte: no serializer, no content type of supertest's own.
  if (request.body !== undefined) test = test.serialize((body: unknown) => body as string).send(request.body as string);
  const response = await test.buffer(true).parse((res, callback) => rawText(res as unknown as IncomingMessage, callback)).timeout(ANSWER_TIMEOUT_MS);
  return { status: response.status, body: jsonOrText(response.body as string) };
}

function rawText(res: IncomingMessage, callback: (error: Error | null, body: string) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
  res.on('error', (error) => callback(error, ''));
}

function readAnswer(req: ClientRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      rawText(res, (error, text) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve({ status: res.statusCode ?? 0, body: jsonOrText(text) });
      });
    });
  });
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
