// B24_APP_TOKEN=<token> API_KEY=<key> PORT=3000 node dist/main.js
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

if (!process.env.B24_APP_TOKEN) {
  console.error('Set B24_APP_TOKEN to the application token of your Bitrix24 outgoing webhook or app.');
  process.exit(1);
}
// bodyParser: false: b24hooks reads the exact bytes Bitrix24 sent, with its own limits (docs/nestjs.md).
const app = await NestFactory.create(AppModule, { bodyParser: false });
const port = Number(process.env.PORT ?? 3000);
await app.listen(port, process.env.HOST ?? '127.0.0.1');
console.log(`Bitrix24 events: POST /b24 (deals) and POST /bot (chat bot) on port ${port}`);
