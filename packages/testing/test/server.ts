import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReceiver, type B24Event, type ReceiverOptions } from '@b24hooks/core';
import { FIXTURE_TOKEN } from '@b24hooks/testing';

export interface Delivery {
  contentType: string | undefined;
  body: string;
}

export interface ReceiverServer {
  url: string;
  /** Events the receiver accepted, in order. */
  events: B24Event[];
  /** Every request as it arrived. */
  deliveries: Delivery[];
  close(): Promise<void>;
}

/** A plain node:http server around `receiver.handle`, on a free port of 127.0.0.1. */
export async function startReceiverServer(options: Partial<ReceiverOptions> = {}): Promise<ReceiverServer> {
  const receiver = createReceiver({ token: FIXTURE_TOKEN, ...options });
  const events: B24Event[] = [];
  const deliveries: Delivery[] = [];
  receiver.onAny((event) => {
    events.push(event);
  });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    deliveries.push({ contentType: req.headers['content-type'], body });
    const result = await receiver.handle({ method: req.method ?? 'GET', contentType: req.headers['content-type'], body });
    res.writeHead(result.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/b24`,
    events,
    deliveries,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A URL where nothing listens: a port that was free a moment ago. */
export async function refusingUrl(): Promise<string> {
  const server = await startReceiverServer();
  const url = server.url;
  await server.close();
  return url;
}
