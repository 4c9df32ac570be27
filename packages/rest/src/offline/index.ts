export { createOfflineConsumer } from './create-offline-consumer.js';
export { isOfflineEvent } from './is-offline-event.js';
export type { OfflineRecord } from './record.js';
export type {
  AttachOptions,
  B24OfflineEvent,
  B24OfflineInfo,
  ClientFor,
  DrainResult,
  OfflineConsumer,
  OfflineConsumerOptions,
  OfflineErrorContext,
} from './types.js';
