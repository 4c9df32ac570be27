import type { RawResult, RestParams } from './client.js';
import { B24RestError, portalError } from './errors.js';
import { encodeParams } from './params.js';
import { isReadMethod } from './retry.js';

export type BatchCommand = readonly [method: string, params?: RestParams];
export type BatchCommands<K extends string = string> = { readonly [P in K]: BatchCommand };

export interface BatchOptions {
  /** Stop at the first failing command (Bitrix24's `halt=1`); later commands are not run. */
  halt?: boolean;
}

export interface BatchResult<K extends string = string> {
  /** Each successful command's `result`, under its key. */
  result: Partial<Record<K, any>>;
  /** Each failed command's error, under its key. */
  errors: Partial<Record<K, B24RestError>>;
  /** `total` and `next` of the commands that page. */
  total: Partial<Record<K, number>>;
  next: Partial<Record<K, number>>;
}

/** Bitrix24 runs at most 50 commands per batch request. */
export const BATCH_LIMIT = 50;

const REFERENCE = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g;

/**
 * `$result[key][FIELD]` references to commands of an earlier chunk, which the portal cannot see,
 * replaced with their values; references within the same chunk are left for the portal.
 */
function resolveEarlier(value: unknown, done: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$result\[([^\]]+)\]((?:\[[^\]]*\])*)$/.exec(value);
    if (whole && whole[1]! in done) return dig(done[whole[1]!], whole[2]!);
    return value.replace(REFERENCE, (text, key: string, path: string) => {
      if (!(key in done)) return text;
      const found = dig(done[key], path);
      return found === undefined || found === null ? '' : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveEarlier(item, done));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveEarlier(item, done)]));
  }
  return value;
}

function dig(value: unknown, path: string): unknown {
  let here = value;
  for (const [, key] of path.matchAll(/\[([^\]]*)\]/g)) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[key!];
  }
  return here;
}

function asMap(value: unknown): Record<string, unknown> {
  // PHP's json_encode writes an empty map as [].
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export async function runBatch<K extends string>(
  callRaw: (params: RestParams, readOnly: boolean) => Promise<RawResult>,
  commands: BatchCommands<K>,
  options: BatchOptions = {},
): Promise<BatchResult<K>> {
  if (commands === null || typeof commands !== 'object') throw new TypeError('batch needs commands: { key: [method, params?] }.');
  const entries = Object.entries(commands) as Array<[string, BatchCommand]>;
  for (const [key, command] of entries) {
    if (!Array.isArray(command) || typeof command[0] !== 'string' || !/^[a-z0-9_]+(\.[a-z0-9_]+)*$/i.test(command[0])) {
      throw new TypeError(`batch command "${key}" must be [method, params?], such as ['crm.deal.get', { id: 1 }].`);
    }
  }
  const out: BatchResult<string> = { result: {}, errors: {}, total: {}, next: {} };
  const halt = options.halt === true;
  for (let start = 0; start < entries.length; start += BATCH_LIMIT) {
    const chunk = entries.slice(start, start + BATCH_LIMIT);
    const cmd: Record<string, string> = {};
    for (const [key, [method, params]] of chunk) {
      const query = params === undefined ? '' : encodeParams(resolveEarlier(params, out.result) as Record<string, unknown>);
      cmd[key] = query === '' ? method : `${method}?${query}`;
    }
    const readOnly = chunk.every(([, [method]]) => isReadMethod(method));
    const { result } = await callRaw({ halt: halt ? 1 : 0, cmd }, readOnly);
    const answer = asMap(result);
    const results = asMap(answer.result);
    const failures = asMap(answer.result_error);
    const totals = asMap(answer.result_total);
    const nexts = asMap(answer.result_next);
    for (const [key, [method]] of chunk) {
      if (key in failures) {
        const failure = asMap(failures[key]);
        const code = typeof failure.error === 'string' ? failure.error : '';
        const description = typeof failure.error_description === 'string' ? failure.error_description : '';
        out.errors[key] = portalError(method, 400, code, description);
      } else if (key in results) {
        out.result[key] = results[key];
      }
      if (key in totals) out.total[key] = Number(totals[key]);
      if (key in nexts) out.next[key] = Number(nexts[key]);
    }
    if (halt && Object.keys(out.errors).length > 0) break;
  }
  return out as BatchResult<K>;
}
