import type { B24Event } from '@b24hooks/core';
import type { B24OfflineEvent } from './types.js';

/** True for an event a drain read from the offline queue (it carries `event.offline`). */
export function isOfflineEvent<E extends B24Event>(event: E): event is B24OfflineEvent<E> {
  const offline = (event as { offline?: unknown }).offline;
  return offline !== null && typeof offline === 'object' && typeof (offline as { processId?: unknown }).processId === 'string';
}
