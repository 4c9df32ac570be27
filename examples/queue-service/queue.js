// The one queue both processes share: same Redis, same name.
import { createQueue } from '@b24hooks/bullmq';

export function openQueue(env = process.env) {
  if (!env.REDIS_URL) throw new Error('Set REDIS_URL, e.g. redis://127.0.0.1:6379');
  return createQueue({
    connection: env.REDIS_URL,
    name: env.QUEUE_NAME ?? 'b24hooks',
    coalesce: true,
    // While Redis is away, deliveries are journaled here and answered 200.
    ...(env.SPILL_DIR ? { spill: { dir: env.SPILL_DIR } } : {}),
  });
}
