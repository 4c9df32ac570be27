import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A loopback server that counts its open sockets, so a test can prove none is left behind. */
export interface TrackedServer {
  url: string;
  openSockets(): number;
  /** Waits (bounded) until every socket the server accepted has closed; resolves the count left. */
  drained(withinMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function listenTracked(listener: RequestListener): Promise<TrackedServer> {
  const server: Server = createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    async drained(withinMs) {
      const until = Date.now() + withinMs;
      while (sockets.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
      return sockets.size;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
