/**
 * One HTTP exchange with a hard bound: a request that gets no answer in `timeoutMs` is reported as
 * a hang instead of waiting for ever. Bodies go out byte for byte, whole, chunked, or cut short by
 * a client that leaves mid-body.
 */
import { request, type Agent } from 'node:http';

export type Transfer =
  | { kind: 'length' }
  | { kind: 'chunked'; chunkBytes: number }
  /** Sends part of the body, then leaves. */
  | { kind: 'abort'; sendBytes: number }
  /** Sends the whole body, then leaves before the answer. */
  | { kind: 'leave'; afterMs: number };

export interface Exchange {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer;
  transfer?: Transfer;
}

export type Outcome =
  | { kind: 'answer'; status: number; text: string }
  | { kind: 'hang' }
  | { kind: 'client-error'; message: string }
  | { kind: 'aborted' };

export function exchange(url: string, path: string, sent: Exchange, agent: Agent | false, timeoutMs: number): Promise<Outcome> {
  const body = Buffer.isBuffer(sent.body) ? sent.body : Buffer.from(sent.body);
  const transfer = sent.transfer ?? { kind: 'length' };
  const headers: Record<string, string | number> = { ...sent.headers };
  if (transfer.kind !== 'chunked') headers['content-length'] = body.length;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(new URL(path, url), { method: sent.method, headers, agent });
    const timer = setTimeout(() => {
      settle({ kind: 'hang' });
      req.destroy();
    }, timeoutMs);
    const leaving = transfer.kind === 'abort' || transfer.kind === 'leave';
    req.on('error', (error) => settle(leaving ? { kind: 'aborted' } : { kind: 'client-error', message: error.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle({ kind: 'answer', status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => settle({ kind: 'client-error', message: error.message }));
    });
    if (transfer.kind === 'abort') {
      req.write(body.subarray(0, transfer.sendBytes));
      setTimeout(() => {
        req.destroy();
        settle({ kind: 'aborted' });
      }, 5);
      return;
    }
    if (transfer.kind === 'leave') {
      req.end(body);
      setTimeout(() => {
        req.destroy();
        settle({ kind: 'aborted' });
      }, transfer.afterMs);
      return;
    }
    if (transfer.kind === 'length') {
      req.end(body);
      return;
    }
    void (async () => {
      for (let at = 0; at < body.length && !settled; at += transfer.chunkBytes) {
        if (!req.write(body.subarray(at, at + transfer.chunkBytes))) await new Promise((go) => {
          req.once('drain', go);
          req.once('close', go);
        });
      }
      if (!settled) req.end();
    })();
  });
}
