/** Type tests of the offline consumer's API (type-checked by `pnpm typecheck`). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createReceiver, type B24Event } from '@b24hooks/core';
import {
  createOfflineConsumer,
  createRestFactory,
  isOfflineEvent,
  type B24OfflineInfo,
  type ClientFor,
  type ClientPortal,
  type DrainResult,
  type OfflineConsumer,
  type RestClient,
} from '@b24hooks/rest';

describe('offline consumer types', () => {
  it('types drain, retryFailed, attach and the offline block', () => {
    const receiver = createReceiver({ token: 't' });
    const consumer = createOfflineConsumer({ receiver, limit: 10, authConnector: 'erp' });
    expectTypeOf(consumer).toEqualTypeOf<OfflineConsumer>();
    expectTypeOf(consumer.drain).parameter(0).toEqualTypeOf<RestClient>();
    expectTypeOf(consumer.drain).returns.resolves.toEqualTypeOf<DrainResult>();
    expectTypeOf(consumer.retryFailed).returns.resolves.toEqualTypeOf<DrainResult>();
    expectTypeOf<DrainResult>().toEqualTypeOf<{ received: number; handled: number; failed: number }>();
    expectTypeOf<ClientFor>().parameter(0).toEqualTypeOf<B24Event<'ONOFFLINEEVENT'>>();
    // A REST factory is a clientFor, and attach chains.
    const rest = createRestFactory({ app: { clientId: 'a', clientSecret: 'b' } });
    expectTypeOf(consumer.attach(receiver, rest)).toEqualTypeOf<OfflineConsumer>();
    expectTypeOf<RestClient['portal']>().returns.resolves.toEqualTypeOf<ClientPortal>();

    receiver.on('ONCRMDEALUPDATE', (event) => {
      expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>();
      if (isOfflineEvent(event)) {
        expectTypeOf(event.offline).toEqualTypeOf<B24OfflineInfo>();
        expectTypeOf(event.offline.id).toEqualTypeOf<number>();
        expectTypeOf(event.data.FIELDS.ID).toEqualTypeOf<number>();
      }
    });
    // @ts-expect-error limit is a number (and a string is refused at run time too)
    expect(() => createOfflineConsumer({ receiver, limit: '50' })).toThrow(TypeError);
    expect(consumer.drain).toBeTypeOf('function');
  });
});
