import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { QueueConnection } from './options.js';

function optionsOf(connection: QueueConnection): { url?: string; options: RedisOptions } {
  if (typeof connection === 'string') return { url: connection, options: {} };
  if (connection instanceof Redis) return { options: { ...connection.options } };
  if (connection && typeof connection === 'object') return { options: { ...connection } };
  throw new TypeError('b24hooks: createQueue needs connection: a Redis URL, ioredis options or an ioredis client.');
}

/**
 * The client that enqueues. It fails fast while Redis is away (no offline queue, no resending of
 * commands cut by a disconnect), so a delivery is spilled or refused in time instead of waiting.
 * An ioredis client passed in is used as it is.
 */
export function producerClient(connection: QueueConnection): { client: Redis; owned: boolean } {
  if (connection instanceof Redis) return { client: connection, owned: false };
  const { url, options } = optionsOf(connection);
  const settings: RedisOptions = { ...options, enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false };
  return { client: url ? new Redis(url, settings) : new Redis(settings), owned: true };
}

/** Connection options for a BullMQ Worker, which makes (and closes) its own clients from them. */
export function workerConnection(connection: QueueConnection): ConnectionOptions {
  const { url, options } = optionsOf(connection);
  return { ...options, ...(url ? { url } : {}), maxRetriesPerRequest: null } as ConnectionOptions;
}
