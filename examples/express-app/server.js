// Starts the service: B24_APP_TOKEN=<token> [B24_WEBHOOK=<incoming webhook URL>] PORT=3000 node server.js
import { createApp } from './app.js';

const token = process.env.B24_APP_TOKEN;
if (!token) {
  console.error('Set B24_APP_TOKEN to the application token of your Bitrix24 outgoing webhook or app.');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const { app } = createApp({ token: token.split(','), webhook: process.env.B24_WEBHOOK || undefined });
app.listen(port, host, () => console.log(`Receiving Bitrix24 events at http://${host}:${port}/b24`));
