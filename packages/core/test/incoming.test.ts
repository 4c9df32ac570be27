import { createServer, request, Agent, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, handleIncoming } from '@b24hooks/core';
import { FORM, TOKEN, dealUpdate } from './support.js';

// handleIncoming on a bare node:http server: what every adapter relies on for reading bodies.
const receiver = createReceiver({ token: TOKEN, limits: { maxBodyBytes: 64 * 1024 } });
let server: Server;
let url: URL;

beforeAll(async () => {
  server = createServer((req, res) => {
    void handleIncoming(receiver, { method: req.method ?? '', headers: req.headers, stream: req, framework: 'none' }).then((result) => {
      res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function post(agent: Agent, chunks: Buffer[], headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': FORM, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('handleIncoming reading the request stream', () => {
  it('refuses an oversized chunked body with 413 and keeps the kept-alive connection usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const big = Array.from({ length: 32 }, () => Buffer.alloc(8 * 1024, 'a'));
    const refused = await post(agent, big);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).error.code).toBe('BODY_TOO_LARGE');
    const next = await post(agent, [Buffer.from(dealUpdate())]);
    expect(next.status).toBe(200);
    agent.destroy();
  });

  it('answers 413 from Content-Length alone, before the body is read', async () => {
    const agent = new Agent({ keepAlive: false });
    const refused = await post(agent, [Buffer.from(dealUpdate())], { 'content-length': String(1024 * 1024) }).catch((error) => error);
    // The server answers at once; the client may see the answer or a reset from the unread body.
    if (refused instanceof Error) expect((refused as NodeJS.ErrnoException).code).toMatch(/ECONNRESET|EPIPE/);
    else expect(refused.status).toBe(413);
    agent.destroy();
  });
});

describe('handleIncoming and Content-Encoding', () => {
  it('refuses a compressed body with 415 instead of parsing its bytes, and keeps the connection usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = gzipSync(dealUpdate());
    for (const encoding of ['gzip', 'br', 'identity, gzip', 'GZIP']) {
      const answer = await post(agent, [body], { 'content-encoding': encoding, 'content-length': String(body.length) });
      expect(answer.status, encoding).toBe(415);
      const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
      expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(error.message).toMatch(/does not decompress it \((gzip|br)\)\. Bitrix24 sends events uncompressed/);
    }
    // Once more on the same socket: the refused bodies were drained.
    expect((await post(agent, [Buffer.from(dealUpdate())], { 'content-encoding': 'identity' })).status).toBe(200);
    expect((await post(agent, [Buffer.from(dealUpdate())])).status).toBe(200);
    agent.destroy();
  });

  it('names no coding it cannot print safely', async () => {
    const agent = new Agent({ keepAlive: false });
    const answer = await post(agent, [Buffer.from(dealUpdate())], { 'content-encoding': 'x'.repeat(40) });
    expect(answer.status).toBe(415);
    expect(answer.body).not.toContain('xxxx');
    agent.destroy();
  });
});

describe('handleIncoming reading a stream of a declared length', () => {
  const source = (stream: PassThrough, length: number) => ({
    method: 'POST',
    headers: { 'content-type': FORM, 'content-length': String(length) },
    stream,
    framework: 'none',
  });

  it('reads a body sent in several chunks', async () => {
    const body = Buffer.from(dealUpdate());
    const stream = new PassThrough();
    const answered = handleIncoming(receiver, source(stream, body.length));
    stream.write(body.subarray(0, 100));
    stream.write(body.subarray(100, 300));
    stream.end(body.subarray(300));
    expect((await answered).status).toBe(200);
  });

  it('refuses a body shorter than its Content-Length as MALFORMED_BODY, and leaves the stream flowing', async () => {
    const stream = new PassThrough();
    const answered = handleIncoming(receiver, source(stream, 1000));
    stream.end(Buffer.from('event=ONCRMDEALUPDATE'));
    const result = await answered;
    expect(result.status).toBe(400);
    expect(result.error?.code).toBe('MALFORMED_BODY');
    expect(result.error?.message).toMatch(/length differs from Content-Length/);
    expect(stream.readableFlowing).toBe(true);
  });

  it('refuses a body longer than its Content-Length and the limit as BODY_TOO_LARGE, and drains the rest', async () => {
    const stream = new PassThrough();
    const answered = handleIncoming(receiver, source(stream, 64 * 1024));
    stream.write(Buffer.alloc(64 * 1024 + 1, 'a'));
    const result = await answered;
    expect(result.error?.code).toBe('BODY_TOO_LARGE');
    expect(stream.listenerCount('data')).toBe(0);
    expect(stream.readableFlowing).toBe(true);
  });

  it('refuses a stream that fails, or that the client aborts, as MALFORMED_BODY', async () => {
    const failing = new PassThrough();
    const failed = handleIncoming(receiver, source(failing, 100));
    failing.destroy(new Error('socket hang up'));
    expect((await failed).error?.message).toMatch(/could not be read completely/);

    const abandoned = new PassThrough();
    const aborted = handleIncoming(receiver, source(abandoned, 100));
    abandoned.emit('aborted');
    expect((await aborted).error?.message).toMatch(/closed the connection before the whole body arrived/);
    for (const name of ['data', 'end', 'error', 'aborted', 'close']) expect(abandoned.listenerCount(name)).toBe(0);
  });
});
