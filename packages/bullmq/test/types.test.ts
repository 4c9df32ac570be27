import { describe, expectTypeOf, it } from 'vitest';
import { createQueue, type B24Queue, type QueueOptions, type QueueStats, type WorkOptions } from '@b24hooks/bullmq';
import type { B24Handoff, Receiver, ReceiverOptions } from '@b24hooks/core';
import type { Worker } from 'bullmq';

describe('types of @b24hooks/bullmq', () => {
  it('a queue is a hand-off, and createReceiver takes it', () => {
    expectTypeOf<B24Queue>().toExtend<B24Handoff>();
    expectTypeOf<{ handoff: B24Queue }>().toExtend<Partial<ReceiverOptions>>();
    expectTypeOf(createQueue).parameter(0).toEqualTypeOf<QueueOptions>();
    expectTypeOf<QueueOptions['connection']>().toExtend<string | object>();
    expectTypeOf<QueueOptions>().toHaveProperty('spill').toEqualTypeOf<{ dir: string } | undefined>();
  });

  it('work, stats, retry and close as the design names them', () => {
    expectTypeOf<B24Queue['work']>().parameters.toEqualTypeOf<[receiver: Receiver, options?: WorkOptions]>();
    expectTypeOf<ReturnType<B24Queue['work']>>().toExtend<Worker>();
    expectTypeOf<ReturnType<B24Queue['work']>['close']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Awaited<ReturnType<B24Queue['stats']>>>().toEqualTypeOf<QueueStats>();
    expectTypeOf<keyof QueueStats>().toEqualTypeOf<'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'deduplicated'>();
    expectTypeOf<B24Queue['retry']>().returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf<WorkOptions['worker']>().toExtend<{ lockDuration?: number } | undefined>();
  });
});
