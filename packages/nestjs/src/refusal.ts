import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter, type HttpServer } from '@nestjs/common';
import type { B24HookError } from '@b24hooks/core';

/**
 * A refusal by `B24EventGuard`: an HttpException whose response is exactly core's error body, so
 * Nest's own filter (and any filter that passes HttpException responses through) answers as
 * Express and Koa do.
 */
export class B24RefusalException extends HttpException {
  constructor(
    readonly error: B24HookError,
    /** The app's HTTP adapter, for `B24RefusalFilter`. */
    readonly httpAdapter: HttpServer,
  ) {
    super(error.toErrorBody(), error.status, { cause: error });
  }
}

/**
 * Ends a guarded request that core already answered (a robot call, which only `onRobot` handlers
 * answer): the guarded route handles events, so it must not run.
 */
export class B24AnsweredException extends HttpException {
  constructor(
    body: object,
    status: number,
    readonly httpAdapter: HttpServer,
  ) {
    super(body, status);
  }
}

/**
 * Bound to every route guarded by `B24EventGuard` (at method level, so it comes before the app's
 * class-level and global filters): writes the refusal itself, whatever the app's other filters do.
 */
@Catch(B24RefusalException, B24AnsweredException)
export class B24RefusalFilter implements ExceptionFilter<B24RefusalException | B24AnsweredException> {
  catch(exception: B24RefusalException | B24AnsweredException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    exception.httpAdapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}
