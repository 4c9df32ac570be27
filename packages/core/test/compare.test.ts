import { describe, expect, it, vi } from 'vitest';

const { timingSafeEqual } = vi.hoisted(() => ({ timingSafeEqual: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(original.timingSafeEqual);
  return { ...original, timingSafeEqual };
});

const { matchesAnyDigest, tokenDigest } = await import('../src/verify/compare.js');

describe('token comparison', () => {
  it('compares fixed-length digests, whatever the tokens’ lengths, and every candidate', () => {
    const expected = ['short', 'a-much-longer-token-than-the-other'].map(tokenDigest);
    timingSafeEqual.mockClear();
    expect(matchesAnyDigest('short', expected)).toBe(true);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
    for (const [a, b] of timingSafeEqual.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
    expect(matchesAnyDigest('x', expected)).toBe(false);
    expect(matchesAnyDigest('a-much-longer-token-than-the-other', expected)).toBe(true);
    expect(matchesAnyDigest('a-much-longer-token-than-the-othe', expected)).toBe(false);
  });
});
