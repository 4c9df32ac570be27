import { Inject, Injectable, Module, type INestApplication, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, type B24Queue } from '@b24hooks/bullmq';
import type { Receiver } from '@b24hooks/core';
import { B24_RECEIVER, B24HooksModule, OnB24Event, type B24Event } from '@b24hooks/nestjs';
import { FIXTURE_TOKEN, buildEventBody } from '@b24hooks/testing';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { FORM, HOOK_PATH, quietLogger, startApp } from './support/apps.js';

let server: RedisServer;
let queue: B24Queue;
beforeAll(async () => {
  server = await startRedisServer();
  queue = createQueue({ connection: server.url, name: `nest-${process.pid}` });
});
afterAll(async () => {
  await queue?.close();
  await server?.stop();
});

const QUEUE = Symbol('queue');
const seen: string[] = [];

@Injectable()
class DealHandlers {
  @OnB24Event('ONCRMDEALUPDATE')
  updated(event: B24Event<'ONCRMDEALUPDATE'>): void {
    seen.push(`updated:${event.data.FIELDS.ID}`);
  }
}

/** The worker side of a Nest app: the module's receiver (with its @OnB24Event handlers) runs the queue's jobs. */
@Injectable()
class QueueWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: ReturnType<B24Queue['work']> | undefined;
  constructor(
    @Inject(B24_RECEIVER) private readonly receiver: Receiver,
    @Inject(QUEUE) private readonly jobs: B24Queue,
  ) {}
  onApplicationBootstrap(): void {
    this.worker = this.jobs.work(this.receiver, { concurrency: 2, worker: { drainDelay: 1 } });
  }
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}

describe('B24HooksModule.forRoot({ handoff })', () => {
  it('hands each verified delivery to the queue and answers 200; a worker Nest app runs the @OnB24Event methods', async () => {
    const front: INestApplication = await startApp({ hooks: { token: FIXTURE_TOKEN, path: HOOK_PATH, handoff: queue, logger: quietLogger() }, providers: [DealHandlers] });
    const body = buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 77 } } });
    await request(front.getHttpServer()).post(HOOK_PATH).set('content-type', FORM).send(body).expect(200, { ok: true });
    await request(front.getHttpServer()).post(HOOK_PATH).set('content-type', FORM).send(buildEventBody('ONCRMDEALUPDATE', { token: 'forged' })).expect(401);
    expect(seen).toEqual([]);
    expect((await queue.stats()).waiting).toBe(1);
    await front.close();

    @Module({
      imports: [B24HooksModule.forRoot({ token: FIXTURE_TOKEN })],
      providers: [DealHandlers, QueueWorker, { provide: QUEUE, useValue: queue }],
    })
    class WorkerApp {}
    const worker = await NestFactory.createApplicationContext(WorkerApp, { logger: false });
    worker.enableShutdownHooks();
    await worker.init();
    for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['updated:77']);
    await worker.close();
    expect((await queue.stats()).completed).toBe(1);
  });

  it('takes handoff from forRootAsync too', async () => {
    const front = await startApp({
      hooks: B24HooksModule.forRootAsync({ path: HOOK_PATH, useFactory: () => ({ token: FIXTURE_TOKEN, handoff: queue, logger: quietLogger() }) }),
    });
    await request(front.getHttpServer()).post(HOOK_PATH).set('content-type', FORM).send(buildEventBody('ONCRMDEALUPDATE', { data: { FIELDS: { ID: 78 } } })).expect(200);
    expect((await queue.stats()).waiting).toBe(1);
    await front.close();
  });
});
