import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  adapterSettings,
  answeredBefore,
  answersItself,
  handleIncoming,
  settleOnFinish,
  type B24AdapterOptions,
  type B24Event,
  type B24HandleResult,
  type Receiver,
} from '@b24hooks/core';

export type B24HooksExpressOptions = B24AdapterOptions;

/** The parts of Express's `req` the middleware uses; any Express 4 or 5 request fits. */
export interface B24ExpressRequest extends IncomingMessage {
  /** What a body parser mounted earlier made of the body. */
  body?: unknown;
  /** The body's bytes, if the app keeps them (e.g. a `verify` callback of a body parser). */
  rawBody?: unknown;
  b24event?: B24Event;
}

/** The parts of Express's `res` the middleware uses. */
export interface B24ExpressResponse extends ServerResponse {
  status(code: number): this;
  json(body: unknown): unknown;
}

export type B24ExpressNext = (error?: unknown) => void;

export type B24ExpressMiddleware = (req: B24ExpressRequest, res: B24ExpressResponse, next: B24ExpressNext) => void;

const WHO_PARSED = 'an Express body parser such as express.urlencoded() or express.json()';

/**
 * Express middleware (Express 4 and 5) that reads a Bitrix24 delivery and answers it:
 * `app.post('/b24', b24hooks(receiver))`. With `{ respond: false }` it sets `req.b24event` and
 * calls `next()`, or `next(error)` with the `B24HookError` (its `status` set) for the app's error
 * handler.
 */
export function b24hooks(receiver: Receiver, options?: B24HooksExpressOptions): B24ExpressMiddleware {
  const { respond, handleOptions } = adapterSettings(receiver, options, '@b24hooks/express');

  function answer(req: B24ExpressRequest, res: B24ExpressResponse, next: B24ExpressNext, result: B24HandleResult): void {
    // Something else (a timeout middleware) already answered: writing again would throw.
    if (answeredBefore(receiver, res, result)) return;
    if (answersItself(respond, result)) {
      res.status(result.status).json(result.body);
    } else if (result.error) {
      next(result.error);
    } else {
      const event = result.event!;
      req.b24event = event;
      settleOnFinish(receiver, event, res);
      next();
    }
  }

  return function b24hooksMiddleware(req, res, next) {
    handleIncoming(
      receiver,
      { method: req.method ?? '', headers: req.headers, stream: req, rawBody: req.rawBody, parsedBody: req.body, framework: WHO_PARSED },
      handleOptions,
    )
      .then((result) => answer(req, res, next, result))
      .catch((error: unknown) => {
        // Never an unhandled rejection: whatever failed, the app's error handler hears it, once.
        try {
          if (!res.headersSent) next(error);
        } catch {
          // next() itself threw: nothing is left that could answer.
        }
      });
  };
}
