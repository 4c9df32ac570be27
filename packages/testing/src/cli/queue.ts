import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, EXIT, readCommand, timeoutOf, usageError, type CliIO } from './shared.js';

export const QUEUE_HELP = `Usage: b24hooks queue <stats|failed|retry> --redis <url> [--name <queue>] [--prefix <prefix>] [--json]

Looks after the queue of @b24hooks/bullmq (install it next to @b24hooks/testing).

  stats              how many jobs wait, run, are delayed, failed, completed, and how many
                     deliveries were deduplicated
  failed             the failed jobs, newest first: id, event, portal, attempts, reason
  retry              moves every failed job back to waiting, with fresh attempts
  --redis <url>      the Redis the queue lives in (redis://[:password@]host:port[/db]); or REDIS_URL
  --name <queue>     the queue name (default b24hooks)
  --prefix <prefix>  BullMQ's key prefix (default bull)
  --limit <n>        failed: at most n jobs (default 50)
  --json             print JSON instead of text
  --timeout <ms>     how long to wait for Redis (default 5000)
  -h, --help         this help

Exit codes: 0 done, 2 bad command line, 8 Redis unreachable or @b24hooks/bullmq not installed.
`;

const OPTIONS = {
  redis: { type: 'string' },
  name: { type: 'string' },
  prefix: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

const ACTIONS = ['stats', 'failed', 'retry'] as const;
type Action = (typeof ACTIONS)[number];

/** The part of @b24hooks/bullmq this command uses; loaded at run time, so neither package needs the other to build. */
interface OpsQueue {
  stats(): Promise<Record<string, number>>;
  failed(options: { limit: number }): Promise<Array<{ id: string; name: string; memberId: string; attemptsMade: number; failedReason: string; failedAt?: string }>>;
  retry(): Promise<number>;
  close(): Promise<void>;
}
type CreateQueue = (options: { connection: string; name?: string; prefix?: string; dedupSeconds?: number }) => OpsQueue;

const PACKAGE = '@b24hooks/bullmq';

async function loadCreateQueue(cwd: string): Promise<CreateQueue> {
  let loaded: { createQueue?: CreateQueue };
  try {
    loaded = (await import(PACKAGE)) as typeof loaded;
  } catch {
    // Installed in the project rather than beside this CLI (npx, a global install).
    try {
      const resolved = createRequire(join(cwd, 'package.json')).resolve(PACKAGE);
      loaded = (await import(pathToFileURL(resolved).href)) as typeof loaded;
    } catch {
      throw new CliError(EXIT.QUEUE_UNAVAILABLE, `${PACKAGE} is not installed here: npm install ${PACKAGE}`);
    }
  }
  if (typeof loaded.createQueue !== 'function') throw new CliError(EXIT.QUEUE_UNAVAILABLE, `${PACKAGE} here has no createQueue; update it.`);
  return loaded.createQueue;
}

/** The URL as it may be printed: without its password. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}

function within<T>(promise: Promise<T>, url: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(EXIT.QUEUE_UNAVAILABLE, `Redis at ${safeUrl(url)} did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function printFailed(io: CliIO, jobs: Awaited<ReturnType<OpsQueue['failed']>>): void {
  if (jobs.length === 0) {
    io.stdout.write('No failed jobs.\n');
    return;
  }
  for (const job of jobs) {
    io.stdout.write(`${job.id}  ${job.name}  portal ${job.memberId}  ${job.attemptsMade} attempts  ${job.failedAt ?? ''}\n  ${job.failedReason}\n`);
  }
}

export async function queueCommand(args: string[], io: CliIO, cwd = process.cwd()): Promise<number> {
  const parsed = readCommand({ name: 'queue', options: OPTIONS, help: QUEUE_HELP }, args, io);
  if (parsed === undefined) return EXIT.OK;
  const { values, positionals } = parsed;
  const [action, ...extra] = positionals;
  if (!action || !ACTIONS.includes(action as Action)) throw usageError(`Say what to do: b24hooks queue ${ACTIONS.join('|')}.`, 'queue');
  if (extra.length) throw usageError(`Unexpected argument "${extra[0]}".`, 'queue');
  const url = values.redis ?? io.env.REDIS_URL;
  if (!url) throw usageError('--redis is required: the Redis URL of the queue, e.g. --redis redis://127.0.0.1:6379', 'queue');
  if (!/^rediss?:\/\//.test(url)) throw usageError(`--redis takes a redis:// or rediss:// URL, got ${safeUrl(url)}`, 'queue');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw usageError(`--limit takes a positive integer, got "${values.limit}"`, 'queue');

  const ms = timeoutOf(values.timeout, 'queue') ?? 5000;
  const createQueue = await loadCreateQueue(cwd);
  const queue = createQueue({ connection: url, ...(values.name ? { name: values.name } : {}), ...(values.prefix ? { prefix: values.prefix } : {}) });
  try {
    const name = values.name ?? 'b24hooks';
    if (action === 'stats') {
      const stats = await within(queue.stats(), url, ms);
      io.stdout.write(values.json ? `${JSON.stringify(stats)}\n` : `${Object.entries(stats).map(([key, count]) => `${key.padEnd(13)} ${count}`).join('\n')}\n`);
    } else if (action === 'failed') {
      const jobs = await within(queue.failed({ limit }), url, ms);
      if (values.json) io.stdout.write(`${JSON.stringify(jobs)}\n`);
      else printFailed(io, jobs);
    } else {
      const moved = await within(queue.retry(), url, ms);
      io.stdout.write(values.json ? `${JSON.stringify({ retried: moved })}\n` : `Moved ${moved} failed job${moved === 1 ? '' : 's'} of ${name} back to waiting.\n`);
    }
    return EXIT.OK;
  } finally {
    // A queue that never reached Redis has nothing to flush; do not wait on it.
    await within(queue.close(), url, ms).catch(() => {});
  }
}
