import { Inject, Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createReceiver, type Receiver } from '@b24hooks/core';
import { B24_RECEIVER, B24HooksModule, OnB24Event } from '@b24hooks/nestjs';
import { FIXTURE_TOKEN, buildEventBody } from '@b24hooks/testing';
import { FORM, GUARDED_PATH, GuardedModule, quietLogger, startApp } from './support/apps.js';

/** Stands in for @nestjs/config: the token comes from a provider of another module. */
@Injectable()
class Settings {
  readonly b24Token = FIXTURE_TOKEN;
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

@Injectable()
class Deals {
  readonly seen: string[] = [];
  constructor(@Inject(B24_RECEIVER) readonly receiver: Receiver) {}

  @OnB24Event('ONCRMDEALADD')
  add(): void {
    this.seen.push('add');
  }
}

describe('B24HooksModule.forRootAsync', () => {
  it('takes receiver options from an injected factory, with path static beside it', async () => {
    const factoryCalls: unknown[] = [];
    const hooks = B24HooksModule.forRootAsync({
      imports: [SettingsModule],
      inject: [Settings],
      useFactory: (settings: Settings) => {
        factoryCalls.push(settings);
        return { token: settings.b24Token, logger: quietLogger() };
      },
      path: '/hooks/b24',
    });
    const app = await startApp({ hooks, providers: [Deals], imports: [GuardedModule] });
    try {
      expect(factoryCalls).toHaveLength(1);
      const deals = app.get(Deals);
      expect(typeof deals.receiver.handle).toBe('function');
      const server = app.getHttpServer();
      expect((await request(server).post('/hooks/b24').type(FORM).send(buildEventBody('ONCRMDEALADD'))).body).toEqual({ ok: true });
      expect(deals.seen).toEqual(['add']);
      // Global by default: the guard in GuardedModule finds the receiver without importing the module.
      expect((await request(server).post(GUARDED_PATH).type(FORM).send(buildEventBody('ONCRMDEALADD'))).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('serves no route without path, and keeps the receiver to its module when isGlobal is false', async () => {
    const app = await startApp({ hooks: B24HooksModule.forRootAsync({ useFactory: () => ({ token: FIXTURE_TOKEN }), isGlobal: false }) });
    try {
      expect(app.get(B24_RECEIVER)).toBeDefined();
      expect((await request(app.getHttpServer()).post('/b24').type(FORM).send(buildEventBody('ONCRMDEALADD'))).status).toBe(404);
    } finally {
      await app.close();
    }
    await expect(startApp({ hooks: B24HooksModule.forRoot({ token: FIXTURE_TOKEN, isGlobal: false }), imports: [GuardedModule] })).rejects.toThrow(/B24EventGuard/);
  });

  it('uses a receiver made elsewhere when given { receiver }, with its own handlers', async () => {
    const receiver = createReceiver({ token: FIXTURE_TOKEN });
    const names: string[] = [];
    receiver.on('ONCRMDEAL*', (event) => void names.push(event.name));
    const app = await startApp({ hooks: B24HooksModule.forRoot({ receiver, path: '/b24' }), providers: [Deals] });
    try {
      expect(app.get(B24_RECEIVER)).toBe(receiver);
      expect((await request(app.getHttpServer()).post('/b24').type(FORM).send(buildEventBody('ONCRMDEALADD'))).status).toBe(200);
      expect([names, app.get(Deals).seen]).toEqual([['ONCRMDEALADD'], ['add']]);
    } finally {
      await app.close();
    }
  });
});
