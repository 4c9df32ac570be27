// The service: one receiver, handlers for the events it cares about, and b24hooks mounted on the
// path Bitrix24 posts to. Events carry only ids, so the deal handler reads the deal back through
// the portal's incoming webhook URL. server.js runs it; demo.js posts a few deliveries to it.
import express from 'express';
import { createReceiver } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/express';
import { createRestClient, createRestFactory } from '@b24hooks/rest';
import { answerRobots } from './robots.js';

/**
 * @param {{ token: string | string[], webhook?: string, app?: { clientId: string, clientSecret: string }, oauthServer?: string, log?: (line: string) => void, logger?: import('@b24hooks/core').B24Logger }} options
 *   token: the application token Bitrix24 showed for the outgoing webhook (or sent in ONAPPINSTALL);
 *   webhook: the portal's incoming webhook URL (https://<portal>/rest/<user>/<secret>/), to read deals back;
 *   app: the application's client_id and client_secret, to answer robot calls (robots.js) with the
 *   tokens each call carries; oauthServer: where those refresh (default Bitrix24's);
 *   log: where the handlers write; logger: where b24hooks reports refused requests (never with a token).
 */
export function createApp({ token, webhook, app: oauthApp, oauthServer, log = console.log, logger = console }) {
  const rest = oauthApp ? createRestFactory({ app: oauthApp, ...(oauthServer ? { oauthServer } : {}) }) : undefined;
  const receiver = createReceiver({ token, logger, ...(rest ? { rest } : {}) });
  if (rest) answerRobots(receiver, log);
  const b24 = webhook ? createRestClient({ webhook }) : undefined;

  receiver.on('ONCRMDEALUPDATE', async (event) => {
    const id = event.data.FIELDS.ID;
    log(`deal #${id} changed on ${event.portal.domain}`);
    if (!b24) return;
    const deal = await b24.call('crm.deal.get', { id });
    log(`read deal #${deal.ID} back through the incoming webhook: "${deal.TITLE}", ${deal.OPPORTUNITY} ${deal.CURRENCY_ID}, stage ${deal.STAGE_ID}`);
  });

  receiver.on('ONIMBOTMESSAGEADD', (event) => {
    const { PARAMS, USER, BOT } = event.data;
    const bots = Object.values(BOT).map((bot) => `${bot.BOT_CODE} (#${bot.BOT_ID})`).join(', ');
    log(`${USER?.NAME ?? `user #${PARAMS.FROM_USER_ID}`} wrote to ${bots}: "${PARAMS.MESSAGE ?? ''}"`);
  });

  const app = express();
  // Mount b24hooks before any body parser: it reads the exact bytes Bitrix24 sent.
  app.post('/b24', b24hooks(receiver));
  app.use(express.json());
  app.get('/health', (_req, res) => void res.json({ ok: true }));
  return { app, receiver };
}
