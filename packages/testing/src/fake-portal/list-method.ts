import { fakeAnswer } from './answer.js';
import type { MethodHandler } from './types.js';
import type { FormObject, FormValue } from '@b24hooks/core';

const PAGE = 50;

function rowId(row: Record<string, unknown>): number {
  return Number(row.ID ?? row.id);
}

/** Bitrix24's ID filters: `ID`/`=ID`, `>ID`, `>=ID`, `<ID`, `<=ID`, `!ID`. */
function matchesFilter(row: Record<string, unknown>, filter: FormValue | undefined): boolean {
  if (filter === undefined || typeof filter === 'string' || Array.isArray(filter)) return true;
  for (const [key, raw] of Object.entries(filter)) {
    const match = /^(>=|<=|>|<|=|!)?(.+)$/.exec(key)!;
    const op = match[1] ?? '=';
    const field = match[2]!;
    const have = row[field];
    const want = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const a = Number(have);
    const b = Number(want);
    const numeric = Number.isFinite(a) && Number.isFinite(b);
    switch (op) {
      case '>': if (!(numeric && a > b)) return false; break;
      case '>=': if (!(numeric && a >= b)) return false; break;
      case '<': if (!(numeric && a < b)) return false; break;
      case '<=': if (!(numeric && a <= b)) return false; break;
      case '!': if (String(have) === want) return false; break;
      default: if (String(have) !== want) return false;
    }
  }
  return true;
}

function ordered(rows: Array<Record<string, unknown>>, order: FormValue | undefined): Array<Record<string, unknown>> {
  if (order === undefined || typeof order === 'string' || Array.isArray(order)) return rows;
  const [field, direction] = Object.entries(order)[0] ?? [];
  if (field === undefined) return rows;
  const sign = String(direction).toUpperCase() === 'DESC' ? -1 : 1;
  return [...rows].sort((x, y) => {
    const a = field === 'ID' ? rowId(x) : String(x[field]);
    const b = field === 'ID' ? rowId(y) : String(y[field]);
    return a < b ? -sign : a > b ? sign : 0;
  });
}

function selected(row: Record<string, unknown>, select: FormValue | undefined): Record<string, unknown> {
  if (!Array.isArray(select) || select.length === 0 || select.includes('*')) return { ...row };
  return Object.fromEntries(select.filter((field): field is string => typeof field === 'string' && field in row).map((field) => [field, row[field]]));
}

/** A list method as Bitrix24's `*.list` methods behave: 50 per page, `total`/`next`, `start=-1`. */
export function listHandler(rows: ReadonlyArray<Record<string, unknown>>): MethodHandler {
  return (params: FormObject) => {
    const matching = ordered(rows.filter((row) => matchesFilter(row, params.filter)), params.order);
    const start = Number(params.start ?? 0);
    if (start === -1) {
      // The fast way: no count, no offset; the caller pages with the ID filter.
      return fakeAnswer({ result: matching.slice(0, PAGE).map((row) => selected(row, params.select)) });
    }
    const from = Number.isFinite(start) && start > 0 ? start : 0;
    const page = matching.slice(from, from + PAGE).map((row) => selected(row, params.select));
    const next = from + PAGE < matching.length ? from + PAGE : undefined;
    return fakeAnswer({ result: page, total: matching.length, ...(next !== undefined ? { next } : {}) });
  };
}
