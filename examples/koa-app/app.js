// The service: one receiver for a multi-portal application (tokens per portal in a token store),
// b24hooks on the path Bitrix24 posts to, and ordinary JSON routes beside it. server.js runs it.
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { createMemoryTokenStore, createReceiver } from '@b24hooks/core';
import { b24hooks } from '@b24hooks/koa';

/**
 * @param {{ tokenStore?: import('@b24hooks/core').TokenStore, log?: (line: string) => void, logger?: import('@b24hooks/core').B24Logger }} options
 *   tokenStore: each portal's application token by member_id (use a database in production);
 *   log: where the handlers write; logger: where b24hooks reports refused requests (never with a token).
 */
export function createApp({ tokenStore = createMemoryTokenStore(), log = console.log, logger = console } = {}) {
  // 'trust-first-use': a portal's first ONAPPINSTALL stores its token; later events must carry it.
  const receiver = createReceiver({ tokenStore, install: 'trust-first-use', logger });

  receiver.on('ONAPPINSTALL', (event) => log(`installed on ${event.portal.domain} (version ${event.data.VERSION})`));
  receiver.on('ONCRMDEAL*', (event) => log(`${event.name} for deal #${event.data.FIELDS.ID} on ${event.portal.domain}`));

  const router = new Router();
  router.post('/b24', b24hooks(receiver));
  // respond: false — the route is the handler and answers itself.
  router.post('/b24/tasks', b24hooks(receiver, { respond: false }), (ctx) => {
    const event = ctx.state.b24event;
    ctx.body = { received: event.name, at: event.timestamp.toISOString() };
  });
  router.post('/notes', (ctx) => {
    ctx.body = { saved: ctx.request.body };
  });

  const app = new Koa();
  // A body parser for the app's own routes may run first: b24hooks reads the raw body it keeps.
  app.use(bodyParser());
  app.use(router.routes()).use(router.allowedMethods());
  return { app, receiver };
}
