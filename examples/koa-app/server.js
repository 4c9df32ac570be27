// Starts the service: PORT=3000 node server.js, then install the app on a portal (its ONAPPINSTALL
// stores the portal's token) or post a fixture with `b24hooks send`.
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const { app } = createApp();
app.listen(port, host, () => console.log(`Receiving Bitrix24 events at http://${host}:${port}/b24`));
