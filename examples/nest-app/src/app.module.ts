import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { B24HooksModule } from '@b24hooks/nestjs';
import { ApiKeyGuard, Public } from './auth.js';
import { BotController, BotInbox } from './bot.js';
import { AppConfig } from './config.js';
import { DealChanges, DealHandlers, DealsController } from './deals.js';

@Module({ providers: [AppConfig], exports: [AppConfig] })
class ConfigModule {}

@Module({
  imports: [
    ConfigModule,
    // path (and decorators) are static, beside useFactory; the token comes from the config.
    B24HooksModule.forRootAsync({
      path: '/b24',
      decorators: [Public()],
      imports: [ConfigModule],
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ token: config.b24Tokens }),
    }),
  ],
  controllers: [DealsController, BotController],
  providers: [DealChanges, DealHandlers, BotInbox, { provide: APP_GUARD, useClass: ApiKeyGuard }],
})
export class AppModule {}
