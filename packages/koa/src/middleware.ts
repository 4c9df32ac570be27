import type { IncomingMessage } from 'node:http';
import {
  adapterSettings,
  handleIncoming,
  settleHandled,
  type B24AdapterOptions,
  type B24HandleResult,
  type Receiver,
} from '@b24hooks/core';

export type B24HooksKoaOptions = B24AdapterOptions;

/** The parts of a Koa context the middleware uses; any Koa 2 or 3 context fits. */
export interface B24KoaContext {
  method: string;
  req: IncomingMessage;
  /** `body` and `rawBody` as @koa/bodyparser (or another body parser) leaves them. */
  request: { body?: unknown; rawBody?: unknown };
  // Koa types `state` as `any` unless the app narrows it.
  state: any;
  status: number;
  body: unknown;
}

export type B24KoaNext = () => Promise<unknown>;

export type B24KoaMiddleware = (ctx: B24KoaContext, next: B24KoaNext) => Promise<void>;

const WHO_PARSED = 'a Koa body parser that kept no ctx.request.rawBody';

/**
 * Koa middleware (Koa 2 and 3) that reads a Bitrix24 delivery and answers it:
 * `router.post('/b24', b24hooks(receiver))`. With `{ respond: false }` it sets
 * `ctx.state.b24event` and awaits `next()`, or throws the `B24HookError` (its `status` set).
 */
export function b24hooks(receiver: Receiver, options?: B24HooksKoaOptions): B24KoaMiddleware {
  const { respond, handleOptions } = adapterSettings(receiver, options, '@b24hooks/koa');

  return async function b24hooksMiddleware(ctx, next) {
    const result: B24HandleResult = await handleIncoming(
      receiver,
      { method: ctx.method, headers: ctx.req.headers, stream: ctx.req, rawBody: ctx.request.rawBody, parsedBody: ctx.request.body, framework: WHO_PARSED },
      handleOptions,
    );
    if (respond) {
      ctx.status = result.status;
      ctx.body = result.body;
      return;
    }
    if (result.error) throw result.error;
    const event = result.event!;
    ctx.state.b24event = event;
    await next();
    await settleHandled(receiver, event, ctx.status);
  };
}
