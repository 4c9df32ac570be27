import type { RawResult, RestParams } from './client.js';

export interface ListOptions {
  /**
   * How to page: `'id'` (the fast way: `order ID`, `>ID`, `start=-1`), `'start'` (`start` and
   * `next`), or `'auto'` (default): `'id'` unless the params set an `order` or a `start`. Methods
   * whose fields are not upper-case `ID` (e.g. `crm.item.list`) need `'start'`.
   */
  paging?: 'auto' | 'id' | 'start';
}

/** Bitrix24's page size for list methods. */
const PAGE = 50;

/** The items of a page: the result itself, or the one list inside it (`{ tasks: [...] }`). */
function itemsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  if (result !== null && typeof result === 'object') {
    const values = Object.values(result);
    if (values.length === 1 && Array.isArray(values[0])) return values[0];
    // PHP's json_encode writes a list with gaps as a map.
    if (values.every((value) => value !== null && typeof value === 'object')) return values;
  }
  return [];
}

function idOf(item: unknown): number | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  const id = Number(record.ID ?? record.id);
  return Number.isFinite(id) ? id : undefined;
}

function idSelect(select: unknown): unknown {
  if (!Array.isArray(select) || select.length === 0) return select;
  return select.some((field) => field === 'ID' || field === '*') ? select : [...select, 'ID'];
}

export async function* listAll<T>(
  callRaw: (method: string, params: RestParams) => Promise<RawResult>,
  method: string,
  params: RestParams = {},
  options: ListOptions = {},
): AsyncGenerator<T> {
  const paging = options.paging ?? 'auto';
  const useId = paging === 'id' || (paging === 'auto' && params.order === undefined && params.start === undefined);
  if (useId) {
    const filter = { ...((params.filter as Record<string, unknown> | undefined) ?? {}) };
    let after = Number(filter['>ID']);
    for (;;) {
      if (Number.isFinite(after)) filter['>ID'] = after;
      const page = itemsOf((await callRaw(method, { ...params, filter, select: idSelect(params.select), order: { ID: 'ASC' }, start: -1 })).result);
      let last: number | undefined;
      for (const item of page) {
        const id = idOf(item);
        // A method that ignores the cursor would give the same page again: never yield it twice.
        if (id !== undefined && Number.isFinite(after) && id <= after) continue;
        if (id !== undefined) last = id;
        yield item as T;
      }
      if (page.length < PAGE || last === undefined) return;
      after = last;
    }
  }
  const seen = new Set<number>();
  let start = Number(params.start ?? 0);
  for (;;) {
    const page = await callRaw(method, { ...params, start });
    for (const item of itemsOf(page.result)) {
      const id = idOf(item);
      // Items shift between pages when records are added meanwhile: give each one once.
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      yield item as T;
    }
    if (page.next === undefined || !Number.isFinite(page.next) || page.next <= start) return;
    start = page.next;
  }
}
