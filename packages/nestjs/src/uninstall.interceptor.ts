import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { concatMap, type Observable } from 'rxjs';
import { settleHandled, type B24Event } from '@b24hooks/core';
import { B24_EVENT_PROPERTY } from './constants.js';
import { verifiedBy } from './guard.js';

/**
 * Bound to every route guarded by `B24EventGuard`: once the route has handled the event without
 * throwing, with a 2xx status, core's `settleHandled` forgets an uninstalled portal's token (as
 * `receive()` does after its handlers), before the answer goes out. Other events: nothing happens.
 */
export class B24UninstallInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Record<string, unknown>>();
    const receiver = verifiedBy.get(req);
    const event = req[B24_EVENT_PROPERTY] as B24Event | undefined;
    if (receiver === undefined || event === undefined) return next.handle();
    return next.handle().pipe(
      concatMap(async (value: unknown) => {
        await settleHandled(receiver, event, http.getResponse<{ statusCode: number }>().statusCode);
        return value;
      }),
    );
  }
}
