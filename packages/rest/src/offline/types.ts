import type { B24Event, Receiver } from '@b24hooks/core';
import type { RestClient } from '../client.js';

/** Where a drained record came from: `event.offline` on every event a drain builds. */
export interface B24OfflineInfo {
  /** The record's `ID`. */
  id: number;
  /** Its `MESSAGE_ID`: what `event.offline.clear` and `event.offline.error` name it by. */
  messageId: string;
  /** The `process_id` of the reservation its batch was read under. */
  processId: string;
}

/** An event read from the offline queue: its online form, plus where it came from. */
export type B24OfflineEvent<E extends B24Event = B24Event> = E & { readonly offline: B24OfflineInfo };

/** What a drain did: records read, records whose handlers succeeded (cleared), records marked as errors. */
export interface DrainResult {
  received: number;
  handled: number;
  failed: number;
}

/** What a drain failure is reported with, when nothing awaits it. */
export interface OfflineErrorContext {
  domain?: string;
  memberId?: string;
  /** The record, when one record could not be turned into an event. */
  record?: { id: number; messageId: string; eventName: string };
}

export interface OfflineConsumerOptions {
  /** Runs the drained events: the same handlers (`on('ONCRMDEALUPDATE', …)`) online events get. */
  receiver: Pick<Receiver, 'receive'> & Partial<Pick<Receiver, 'logger' | 'limits'>>;
  /** Records per `event.offline.get` batch; default 50 (Bitrix24's). */
  limit?: number;
  /** The `auth_connector` the offline bindings were made with: it names their queue. */
  authConnector?: string;
  /**
   * `true`: every `drain` first reads the records earlier drains marked as errors (each once, as
   * `retryFailed` does), then the new ones. Default `false`: failed records wait for `retryFailed`.
   */
  retryFailed?: boolean;
  /**
   * Hears what no caller awaits: a drain started by `ONOFFLINEEVENT` that failed after the
   * delivery was answered, and records that could not be turned into events (handler failures
   * go to the receiver's `onError`). Default: the receiver's `logger.error`, else a process
   * warning (code `B24HOOKS_OFFLINE_DRAIN`).
   */
  onError?: (error: Error, context: OfflineErrorContext) => unknown;
}

export type ClientFor = (event: B24Event<'ONOFFLINEEVENT'>) => RestClient | Promise<RestClient>;

export interface AttachOptions {
  /**
   * How long the `ONOFFLINEEVENT` delivery waits for its drain before it is answered (the drain
   * goes on after it); default 20,000 ms, under the receiver's handler timeout.
   */
  waitMs?: number;
}

export interface OfflineConsumer {
  /**
   * Reads the portal's offline queue batch by batch (`event.offline.get` with `clear: 0`), runs
   * each record through `receiver.receive` as its typed event, clears the handled records and
   * marks the failed ones with `event.offline.error`, until the queue is empty. One drain per
   * portal runs at a time: a drain asked for while one runs is one more pass after it.
   */
  drain(client: RestClient): Promise<DrainResult>;
  /**
   * Reads the records earlier drains marked as errors (`event.offline.get` with `error: 1`), each
   * once, and handles them again: cleared when they succeed, marked again when they fail.
   */
  retryFailed(client: RestClient): Promise<DrainResult>;
  /** Drains the portal that sent it on every `ONOFFLINEEVENT` `receiver` gets. */
  attach(receiver: Pick<Receiver, 'on'>, clientFor: ClientFor, options?: AttachOptions): OfflineConsumer;
  /** Resolves once no drain is running or waiting (for shutdown and tests). */
  idle(): Promise<void>;
}
