/** Type tests for the hardening's API (type-checked by `pnpm typecheck`). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  B24_ERROR_STATUS,
  createMemoryTokenStore,
  createReceiver,
  type B24Event,
  type B24HookErrorCode,
  type B24Portal,
  type ReceiverOptions,
  type TimeoutOptions,
  type TokenStore,
  type ToEventOptions,
} from '@b24hooks/core';

describe('hardening API types', () => {
  it('events list their problems; options take shapes and timeouts', () => {
    expectTypeOf<B24Event<'ONCRMDEALUPDATE'>['problems']>().toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf<ReceiverOptions['shapes']>().toEqualTypeOf<'lenient' | 'strict' | undefined>();
    expectTypeOf<ReceiverOptions['timeouts']>().toEqualTypeOf<TimeoutOptions | undefined>();
    expectTypeOf<TimeoutOptions>().toEqualTypeOf<{ dependencyMs?: number; handlersMs?: number }>();
    expectTypeOf<ToEventOptions['shapes']>().toEqualTypeOf<'lenient' | 'strict' | undefined>();
    expect(createReceiver({ token: 't', shapes: 'strict', timeouts: { dependencyMs: 1, handlersMs: 2 } })).toBeTruthy();
  });

  it('TokenStore has an optional claim, get may answer null, delete may name the token', () => {
    expectTypeOf<TokenStore['claim']>().toEqualTypeOf<((memberId: string, token: string, portal?: B24Portal) => Promise<boolean>) | undefined>();
    expectTypeOf<ReturnType<TokenStore['get']>>().toEqualTypeOf<Promise<string | readonly string[] | undefined | null>>();
    expectTypeOf<Parameters<TokenStore['delete']>>().toEqualTypeOf<[memberId: string, token?: string]>();
    // A store written for the first wave (no claim, delete(memberId)) still fits.
    const legacy: TokenStore = { get: async () => undefined, set: async () => {}, delete: async (_memberId: string) => {} };
    expect(createMemoryTokenStore().claim).toBeTypeOf('function');
    expect(legacy.claim).toBeUndefined();
  });

  it('DEPENDENCY_TIMEOUT is a 503', () => {
    expectTypeOf<'DEPENDENCY_TIMEOUT'>().toExtend<B24HookErrorCode>();
    expect(B24_ERROR_STATUS.DEPENDENCY_TIMEOUT).toBe(503);
  });
});
