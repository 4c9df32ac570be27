import { Module } from '@nestjs/common';
import { B24HooksModule } from '@b24hooks/nestjs';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { BitrixController } from './bitrix.controller';
import { DealsService } from './deals.service';

@Module({
  imports: [B24HooksModule.forRoot({ token: process.env.B24_APP_TOKEN ?? 'consumer-nest-token', path: '/b24' })],
  controllers: [AppController, BitrixController],
  providers: [AppService, DealsService],
})
export class AppModule {}
