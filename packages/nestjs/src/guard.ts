import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { answeredBefore, answersItself, handleIncoming, settleOnFinish, type Receiver } from '@b24hooks/core';
import { B24_EVENT_PROPERTY, B24_RECEIVER } from './constants.js';
import { B24AnsweredException, B24RefusalException } from './refusal.js';
import { incomingSource, type NestHttpRequest } from './request.js';

/**
 * `@UseGuards(B24EventGuard)`: reads and verifies the delivery, puts the typed event on the request
 * for `@B24Event()`, and lets the route handle it. It does not run `on()`/`@OnB24Event()`
 * handlers: the guarded route is the handler. A refusal throws `B24RefusalException`, answered
 * with core's status and body. Once the route has answered with a 2xx, an uninstalled portal is
 * forgotten (core's `settleOnFinish`, as with `respond: false` in Express and Koa).
 */
@Injectable()
export class B24EventGuard implements CanActivate {
  constructor(
    @Inject(B24_RECEIVER) private readonly receiver: Receiver,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<NestHttpRequest & Record<string, unknown>>();
    const result = await handleIncoming(this.receiver, incomingSource(req), { dispatch: false });
    const httpAdapter = this.adapterHost.httpAdapter;
    const res = http.getResponse<ServerResponse>();
    // Answered meanwhile (a timeout): the route must not run, nor the refusal be written.
    if (answeredBefore(this.receiver, { headersSent: httpAdapter.isHeadersSent(res) }, result)) return false;
    if (result.error) throw new B24RefusalException(result.error, httpAdapter);
    if (answersItself(false, result)) throw new B24AnsweredException(result.body, result.status, httpAdapter);
    const event = result.event!;
    req[B24_EVENT_PROPERTY] = event;
    settleOnFinish(this.receiver, event, res);
    return true;
  }
}
