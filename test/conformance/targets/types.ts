import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CaseReceiver, ParserSetup, ReceiverSetup } from '../cases.js';

/** A framework set-up the conformance table runs through, on a real server. */
export interface ConformanceTarget {
  name: string;
  /** The body parser mounted before b24hooks, if any: only the cases it keeps intact run. */
  parser?: ParserSetup;
  /** Serves every receiver set-up under `hookPath(setup)` on 127.0.0.1 (ephemeral port). */
  start(receivers: Record<ReceiverSetup, CaseReceiver>): Promise<RunningTarget>;
}

export interface RunningTarget {
  url: string;
  close(): Promise<void>;
}

/** Listens on loopback with an ephemeral port; `close` drops kept-alive and stalled connections too. */
export async function listen(listener: RequestListener): Promise<RunningTarget> {
  const server: Server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
