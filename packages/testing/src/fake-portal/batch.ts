import { parseForm, type FormObject, type FormValue } from '@b24hooks/core';
import { isFakeAnswer } from './answer.js';
import { FakePortalError } from './errors.js';
import type { CallAuth } from './types.js';

export const BATCH_LIMIT = 50;

export type RunCommand = (method: string, params: FormObject, auth: CallAuth) => Promise<unknown>;

function dig(value: unknown, path: string): unknown {
  let here = value;
  for (const [, key] of path.matchAll(/\[([^\]]*)\]/g)) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[key!];
  }
  return here;
}

/** `$result[key][FIELD]` replaced by the value an earlier command of the batch returned. */
function substitute(value: FormValue, results: Record<string, unknown>): FormValue {
  if (typeof value === 'string') {
    return value.replace(/\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g, (text, key: string, path: string) => {
      if (!(key in results)) return text;
      const found = dig(results[key], path);
      return found === undefined || found === null ? '' : typeof found === 'object' ? JSON.stringify(found) : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, results));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, results)]));
}

/** Bitrix24's `batch`: `cmd[key]=method?query`, run in order, `halt=1` stops at the first error. */
export async function runBatch(params: FormObject, auth: CallAuth, run: RunCommand): Promise<unknown> {
  const cmd = params.cmd;
  if (cmd === undefined || typeof cmd === 'string') throw new FakePortalError('ERROR_BATCH_METHOD_NOT_ALLOWED', 'cmd must be a list of method calls', 400);
  const entries = Object.entries(cmd);
  if (entries.length > BATCH_LIMIT) throw new FakePortalError('ERROR_BATCH_LENGTH_EXCEEDED', `Max batch length exceeded (${BATCH_LIMIT})`, 400);
  const halt = params.halt === '1' || params.halt === 'true';
  const result: Record<string, unknown> = {};
  const errors: Record<string, unknown> = {};
  const totals: Record<string, unknown> = {};
  const nexts: Record<string, unknown> = {};
  const times: Record<string, unknown> = {};
  for (const [key, command] of entries) {
    if (typeof command !== 'string') continue;
    const mark = command.indexOf('?');
    const method = mark === -1 ? command : command.slice(0, mark);
    const query = mark === -1 ? {} : parseForm(command.slice(mark + 1));
    if (method.toLowerCase() === 'batch') {
      errors[key] = { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' };
      if (halt) break;
      continue;
    }
    const started = Date.now();
    try {
      const answer = await run(method, substitute(query, result) as FormObject, auth);
      if (isFakeAnswer(answer)) {
        result[key] = answer.result;
        if (answer.total !== undefined) totals[key] = answer.total;
        if (answer.next !== undefined) nexts[key] = answer.next;
      } else {
        result[key] = answer;
      }
      times[key] = { start: started / 1000, finish: Date.now() / 1000 };
    } catch (error) {
      if (!(error instanceof FakePortalError)) throw error;
      errors[key] = { error: error.code, error_description: error.description };
      if (halt) break;
    }
  }
  // PHP's json_encode writes empty maps as [].
  const map = (value: Record<string, unknown>) => (Object.keys(value).length === 0 ? [] : value);
  return { result: map(result), result_error: map(errors), result_total: map(totals), result_next: map(nexts), result_time: map(times) };
}
