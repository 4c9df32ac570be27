import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { B24HookError, createReceiver, isB24HookError } from '@b24hooks/core';
import { dealUpdate } from './support.js';

// The CommonJS build `pnpm build` writes: the copy a CommonJS app (or Jest) loads beside the ESM one.
const cjs = createRequire(import.meta.url)('../dist/cjs/index.js') as typeof import('@b24hooks/core');

describe('B24HookError across the ESM and CommonJS copies of core', () => {
  it('is a different class in each copy, as two loaded packages are', () => {
    expect(cjs.B24HookError).not.toBe(B24HookError);
  });

  it('instanceof and isB24HookError hold both ways', () => {
    const fromCjs = new cjs.B24HookError('TOKEN_MISMATCH', 'no');
    const fromEsm = new B24HookError('BODY_TOO_LARGE', 'big');
    expect(fromCjs instanceof B24HookError).toBe(true);
    expect(fromEsm instanceof cjs.B24HookError).toBe(true);
    expect(isB24HookError(fromCjs)).toBe(true);
    expect(cjs.isB24HookError(fromEsm)).toBe(true);
    expect(fromCjs instanceof Error).toBe(true);
  });

  it('refuses look-alikes and keeps ordinary instanceof for subclasses', () => {
    class Custom extends B24HookError {}
    expect(new Error('x') instanceof B24HookError).toBe(false);
    expect({ code: 'TOKEN_MISMATCH', status: 401 } instanceof B24HookError).toBe(false);
    expect((null as unknown) instanceof B24HookError).toBe(false);
    expect(new Custom('TOKEN_MISMATCH', 'x') instanceof Custom).toBe(true);
    expect(new B24HookError('TOKEN_MISMATCH', 'x') instanceof Custom).toBe(false);
  });

  it('the brand shows in neither util.inspect nor JSON', () => {
    const error = new B24HookError('TOKEN_MISMATCH', 'no');
    expect(inspect(error)).not.toContain('b24hooks.B24HookError');
    expect(JSON.stringify(error)).not.toContain('b24hooks');
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
  });
});

describe('a receiver of one copy with code that throws the other copy\'s B24HookError', () => {
  it('answers the refusal, not a handler failure', async () => {
    // e.g. a token store written in CommonJS that refuses a portal itself
    const receiver = createReceiver({
      tokenStore: {
        get: () => {
          throw new cjs.B24HookError('UNKNOWN_PORTAL', 'This portal is not installed here.');
        },
        set: async () => undefined,
        delete: async () => undefined,
      },
    });
    const errors: unknown[] = [];
    receiver.onError((error) => void errors.push(error));
    const result = await receiver.handle({
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      body: dealUpdate(),
    });
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ error: { code: 'UNKNOWN_PORTAL', message: 'This portal is not installed here.' } });
    expect(errors).toEqual([]);
  });
});
