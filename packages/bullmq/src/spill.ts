import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpillEntry {
  id: string;
  exact: string;
  coalesce?: string;
  data: unknown;
}

interface Segment {
  path: string;
  /** Entries written to this segment. */
  count: number;
  /** Entries of this segment already in Redis. */
  done: number;
  /** Read back from disk while the segment is being replayed. */
  entries?: SpillEntry[];
}

export interface SpillJournal {
  /** Resolves once the entry is on disk (written and fdatasync'ed). */
  append(entry: SpillEntry): Promise<void>;
  /** Pushes every journaled entry, oldest first; stops at the first failure, to be called again. */
  replay(push: (entry: SpillEntry) => Promise<void>): Promise<boolean>;
  readonly pending: number;
  close(): Promise<void>;
}

const SUFFIX = '.b24spill';

function parseSegment(text: string): SpillEntry[] {
  const entries: SpillEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as SpillEntry);
    } catch {
      // A line cut short by a crash was never acknowledged: the delivery behind it got no 200.
    }
  }
  return entries;
}

/**
 * An append-only journal in `dir`: one segment file at a time takes new entries; a replay seals it
 * (a new one takes what arrives next), reads it back, pushes it, and deletes it. Memory holds
 * counts, not deliveries, however long Redis is away. Segments found at start are what a crashed
 * predecessor left: they are replayed first. One process per `dir`.
 */
export function createSpillJournal(dir: string, name: string): SpillJournal {
  mkdirSync(dir, { recursive: true });
  const sealed: Segment[] = readdirSync(dir)
    .filter((file) => file.startsWith(`${name}-`) && file.endsWith(SUFFIX))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      return { path, count: parseSegment(readFileSync(path, 'utf8')).length, done: 0 };
    });
  let current: (Segment & { handle: Promise<FileHandle> }) | undefined;
  let queued: Array<{ entry: SpillEntry; resolve: () => void; reject: (error: unknown) => void }> = [];
  let flushing: Promise<void> | undefined;
  let replaying: Promise<boolean> | undefined;

  function segmentPath(): string {
    return join(dir, `${name}-${Date.now().toString().padStart(15, '0')}-${randomUUID()}${SUFFIX}`);
  }

  async function openSegment(path: string): Promise<FileHandle> {
    const handle = await open(path, 'a');
    // The new file's name must survive a crash too, not only its bytes.
    const directory = await open(dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    return handle;
  }

  // Group commit: every entry queued while a write is on its way goes into the next write and sync.
  async function flush(): Promise<void> {
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      try {
        if (!current) {
          const path = segmentPath();
          current = { path, count: 0, done: 0, handle: openSegment(path) };
        }
        const segment = current;
        const handle = await segment.handle;
        await handle.write(batch.map(({ entry }) => `${JSON.stringify(entry)}\n`).join(''));
        await handle.datasync();
        segment.count += batch.length;
        for (const { resolve } of batch) resolve();
      } catch (error) {
        // A segment that could not even be opened is dropped, so the next write tries a new one.
        if (current && current.count === 0) current = undefined;
        for (const { reject } of batch) reject(error);
      }
    }
  }

  function kick(): void {
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = undefined;
      if (queued.length > 0) kick();
    });
  }

  async function seal(): Promise<void> {
    while (flushing) await flushing;
    if (!current) return;
    const { handle, ...segment } = current;
    current = undefined;
    await (await handle).close();
    if (segment.count > 0) sealed.push(segment);
  }

  async function replaySealed(push: (entry: SpillEntry) => Promise<void>): Promise<boolean> {
    while (sealed.length > 0) {
      const segment = sealed[0]!;
      segment.entries ??= parseSegment(await readFile(segment.path, 'utf8'));
      while (segment.done < segment.entries.length) {
        try {
          await push(segment.entries[segment.done]!);
        } catch {
          return false;
        }
        segment.done++;
      }
      await unlink(segment.path).catch(() => {});
      sealed.shift();
    }
    return true;
  }

  async function replayAll(push: (entry: SpillEntry) => Promise<void>): Promise<boolean> {
    // Deliveries keep arriving behind the ones being replayed: done only once a seal finds none.
    for (;;) {
      await seal();
      if (sealed.length === 0) return true;
      if (!(await replaySealed(push))) return false;
    }
  }

  return {
    append(entry) {
      return new Promise<void>((resolve, reject) => {
        queued.push({ entry, resolve, reject });
        kick();
      });
    },
    replay(push) {
      replaying ??= replayAll(push).finally(() => (replaying = undefined));
      return replaying;
    },
    get pending() {
      const inSealed = sealed.reduce((sum, segment) => sum + (segment.entries?.length ?? segment.count) - segment.done, 0);
      return inSealed + (current?.count ?? 0) + queued.length;
    },
    async close() {
      while (flushing) await flushing;
      if (current) await (await current.handle).close();
      current = undefined;
    },
  };
}
