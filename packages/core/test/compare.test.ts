import { describe, expect, it, vi } from 'vitest';

const { timingSafeEqual } = vi.hoisted(() => ({ timingSafeEqual: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(original.timingSafeEqual);
  return { ...original, timingSafeEqual };
});

const { matchesAnyToken, tokenBytes } = await import('../src/verify/compare.js');

describe('token comparison', () => {
  const expected = ['short', 'a-much-longer-token-than-the-other'].map(tokenBytes);

  it('finds the matching candidate, and nothing else: no prefix, extension or truncation', () => {
    expect(matchesAnyToken('short', expected)).toBe(true);
    expect(matchesAnyToken('a-much-longer-token-than-the-other', expected)).toBe(true);
    for (const guess of ['', 'x', 'shor', 'short\0', 'shortX', 'a-much-longer-token-than-the-othe', 'a-much-longer-token-than-the-otherX']) {
      expect(matchesAnyToken(guess, expected)).toBe(false);
    }
    expect(matchesAnyToken('жёлтый', [tokenBytes('жёлтый')])).toBe(true);
    expect(matchesAnyToken('жёлтый', [tokenBytes('жёлтыи')])).toBe(false);
  });

  it("compares every candidate over the candidate's full length, whatever length was sent", () => {
    for (const guess of ['x', 'short', 'a'.repeat(500)]) {
      timingSafeEqual.mockClear();
      matchesAnyToken(guess, expected);
      expect(timingSafeEqual).toHaveBeenCalledTimes(2);
      expect(timingSafeEqual.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length])).toEqual([
        [5, 5],
        [34, 34],
      ]);
    }
  });
});
