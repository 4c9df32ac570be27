const ANSWER = Symbol('fake portal answer');

export interface FakeAnswer {
  [ANSWER]: true;
  result: unknown;
  total?: number;
  next?: number;
}

/** A handler's result with the top-level paging keys Bitrix24 adds to list answers. */
export function fakeAnswer(answer: { result: unknown; total?: number; next?: number }): FakeAnswer {
  return { [ANSWER]: true, ...answer };
}

export function isFakeAnswer(value: unknown): value is FakeAnswer {
  return value !== null && typeof value === 'object' && ANSWER in value;
}

/** A moment as Bitrix24 writes it: ISO 8601 to the second, with `+00:00`. */
export const bitrixTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** Bitrix24's `time` block; `start` is when the request arrived. */
export function timeBlock(start: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const finish = Date.now();
  return {
    start: start / 1000,
    finish: finish / 1000,
    duration: (finish - start) / 1000,
    processing: (finish - start) / 1000,
    date_start: bitrixTime(new Date(start)),
    date_finish: bitrixTime(new Date(finish)),
    operating: 0,
    ...extra,
  };
}
