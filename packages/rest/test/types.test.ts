import type { B24Event, InstallPolicy } from '@b24hooks/core';
import { createRestClient, verifyInstall, type B24Credentials, type B24RestError, type BatchResult, type CredentialStore, type RawResult, type RestClient, type RestFactory } from '@b24hooks/rest';
import { describe, expectTypeOf, it } from 'vitest';

interface Deal {
  ID: string;
}

describe('types', () => {
  it('the client surface', () => {
    expectTypeOf(createRestClient).parameter(0).toHaveProperty('webhook');
    expectTypeOf<ReturnType<RestClient['call']>>().toMatchTypeOf<Promise<unknown>>();
    const client = {} as RestClient;
    expectTypeOf(client.call<Deal>).returns.toEqualTypeOf<Promise<Deal>>();
    expectTypeOf(client.callRaw<Deal[]>).returns.toEqualTypeOf<Promise<RawResult<Deal[]>>>();
    expectTypeOf(client.list<Deal>).returns.toEqualTypeOf<AsyncIterable<Deal>>();
    expectTypeOf<BatchResult<'d' | 'c'>['errors']>().toEqualTypeOf<Partial<Record<'d' | 'c', B24RestError>>>();
  });

  it('takes a delivered event as auth, and verifyInstall is a core install policy', () => {
    expectTypeOf<B24Event<'ONCRMDEALUPDATE'>>().toMatchTypeOf<NonNullable<Parameters<typeof createRestClient>[0]['auth']>>();
    expectTypeOf(verifyInstall({ clientId: 'x' })).toMatchTypeOf<Exclude<InstallPolicy, string>>();
    expectTypeOf<B24Event>().toMatchTypeOf<Parameters<RestFactory>[0]>();
    expectTypeOf<ReturnType<CredentialStore['get']>>().toEqualTypeOf<Promise<B24Credentials | undefined>>();
  });
});
