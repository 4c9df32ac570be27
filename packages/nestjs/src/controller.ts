import { All, Controller, Inject, Req, Res, applyDecorators, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { answeredBefore, handleIncoming, type Receiver } from '@b24hooks/core';
import { B24_RECEIVER } from './constants.js';
import { incomingSource, type NestHttpRequest } from './request.js';

/**
 * The module's route: verify, dispatch to the `@OnB24Event()` methods, answer as `receiver.handle`
 * does. It writes the answer itself, so the app's exception filters never reshape it. `@All`, so
 * that other methods get core's 405 rather than Nest's 404.
 */
export function createB24Controller(path: string, decorators: readonly MethodDecorator[] = []): Type<unknown> {
  @Controller()
  class B24HooksController {
    constructor(
      @Inject(B24_RECEIVER) private readonly receiver: Receiver,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    ) {}

    @All(path)
    @applyDecorators(...decorators)
    async receive(@Req() req: NestHttpRequest, @Res() res: unknown): Promise<void> {
      const result = await handleIncoming(this.receiver, incomingSource(req));
      const httpAdapter = this.adapterHost.httpAdapter;
      // Something else (a timeout interceptor or middleware) already answered: replying would throw.
      if (answeredBefore(this.receiver, { headersSent: httpAdapter.isHeadersSent(res) }, result)) return;
      httpAdapter.reply(res, result.body, result.status);
    }
  }
  return B24HooksController;
}
