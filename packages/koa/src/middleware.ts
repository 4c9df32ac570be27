import type { DefaultContext, DefaultState, Middleware } from 'koa';
import {
  adapterSettings,
  answeredBefore,
  answersItself,
  handleIncoming,
  settleHandled,
  type B24AdapterOptions,
  type B24HandleResult,
  type Receiver,
} from '@b24hooks/core';

export type B24HooksKoaOptions = B24AdapterOptions;

/** A Koa middleware (Koa 2 and 3); `ctx.state.b24event` is typed through `DefaultState`. */
export type B24KoaMiddleware = Middleware<DefaultState, DefaultContext>;

/** `body` and `rawBody` as @koa/bodyparser (or another body parser) leaves them on `ctx.request`. */
interface ParsedRequest {
  body?: unknown;
  rawBody?: unknown;
}

const WHO_PARSED = 'a Koa body parser that kept no ctx.request.rawBody';

/**
 * Koa middleware (Koa 2 and 3) that reads a Bitrix24 delivery and answers it:
 * `router.post('/b24', b24hooks(receiver))`. With `{ respond: false }` it sets
 * `ctx.state.b24event` and awaits `next()`, or throws the `B24HookError` (its `status` set).
 */
export function b24hooks(receiver: Receiver, options?: B24HooksKoaOptions): B24KoaMiddleware {
  const { respond, handleOptions } = adapterSettings(receiver, options, '@b24hooks/koa');

  return async function b24hooksMiddleware(ctx, next) {
    const { body, rawBody } = ctx.request as ParsedRequest;
    const result: B24HandleResult = await handleIncoming(
      receiver,
      { method: ctx.method, headers: ctx.req.headers, stream: ctx.req, rawBody, parsedBody: body, framework: WHO_PARSED },
      handleOptions,
    );
    // Something else (a timeout middleware) already answered: Koa would drop what is set now.
    if (answeredBefore(receiver, ctx.res, result)) return;
    if (answersItself(respond, result)) {
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
