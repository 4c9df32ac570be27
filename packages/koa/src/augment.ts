import type {} from 'koa';
import type { B24Event } from '@b24hooks/core';

// `ctx.state.b24event` in Koa's default state type, set by `b24hooks(receiver, { respond: false })`.
declare module 'koa' {
  interface DefaultState {
    /** The verified Bitrix24 event, set by `b24hooks(receiver, { respond: false })`. */
    b24event?: B24Event;
  }
}

export {};
