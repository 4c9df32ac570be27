import type { B24Event } from '@b24hooks/core';

// `req.b24event` in every Express request type (@types/express 4 and 5 both build `Request` on
// the global `Express.Request`), set by `b24hooks(receiver, { respond: false })`.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified Bitrix24 event, set by `b24hooks(receiver, { respond: false })`. */
      b24event?: B24Event;
    }
  }
}

export {};
