import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReceiver, type ReceiverOptions } from '@b24hooks/core';
import { buildEventBody, FIXTURE_TOKEN, type BuildEventOptions } from '@b24hooks/testing';

export const post = (body: string) => ({ method: 'POST', contentType: 'application/x-www-form-urlencoded', body });

export const dealUpdate = (id: number | string, options: BuildEventOptions = {}) =>
  post(buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: id } }, ...options }));

export const receiverWith = (options: Partial<ReceiverOptions> = {}) => createReceiver({ token: FIXTURE_TOKEN, ...options });

/** Short stall recovery for tests; BullMQ's defaults are 30 s each. */
export const FAST_WORKER = { lockDuration: 1000, stalledInterval: 500, drainDelay: 1 } as const;

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let queueNames = 0;
/** A queue name of its own for each test, so tests of one file share a Redis without meeting. */
export const uniqueName = (what: string) => `${what}-${process.pid}-${++queueNames}`;

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'b24hooks-spill-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
