import {
  Catch,
  Controller,
  HttpCode,
  HttpException,
  Inject,
  Injectable,
  Module,
  Post,
  UseGuards,
  type ArgumentsHost,
  type DynamicModule,
  type ExceptionFilter,
  type INestApplication,
  type NestApplicationOptions,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { B24Event, B24EventGuard, B24HooksModule, type B24HooksModuleOptions } from '@b24hooks/nestjs';
import { FIXTURE_TOKEN } from '@b24hooks/testing';

/** The three ways a Nest app can hand b24hooks the body. */
export const BODY_SETUPS = {
  'default body parser': {},
  'rawBody: true': { rawBody: true },
  'bodyParser: false': { bodyParser: false },
} satisfies Record<string, NestApplicationOptions>;

export type BodySetup = keyof typeof BODY_SETUPS;
export const BODY_SETUP_NAMES = Object.keys(BODY_SETUPS) as BodySetup[];

export const FORM = 'application/x-www-form-urlencoded';
export const HOOK_PATH = '/b24';
export const GUARDED_PATH = '/guarded';

export const quietLogger = () => ({ warnings: [] as string[], warn(message: string) { this.warnings.push(message); }, error() {} });

/** Like the catch-all in Nest's docs: it reshapes every error, HttpExceptions included. */
@Catch()
export class ReshapingCatchAllFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { statusCode: status, reshaped: true }, status);
  }
}

/** An app's own route, guarded, answering as receiver.handle does on success. */
@Injectable()
export class GuardedLog {
  readonly events: B24Event[] = [];
}

@Controller()
export class GuardedController {
  constructor(@Inject(GuardedLog) private readonly log: GuardedLog) {}

  @Post(GUARDED_PATH)
  @HttpCode(200)
  @UseGuards(B24EventGuard)
  take(@B24Event() event: B24Event): { ok: true } {
    this.log.events.push(event);
    return { ok: true };
  }
}

@Module({ controllers: [GuardedController], providers: [GuardedLog] })
export class GuardedModule {}

export interface AppOptions {
  setup?: BodySetup;
  hooks?: B24HooksModuleOptions | DynamicModule;
  imports?: Array<Type<unknown> | DynamicModule>;
  providers?: Type<unknown>[];
  controllers?: Type<unknown>[];
  /** Install ReshapingCatchAllFilter globally (default true). */
  catchAll?: boolean;
  /** Runs on the app before `init()`. */
  configure?: (app: INestApplication) => void;
}

/** A Nest app under @nestjs/testing, initialised, with the given body set-up. */
export async function startApp(options: AppOptions = {}): Promise<INestApplication> {
  const hooks = options.hooks ?? { token: FIXTURE_TOKEN, path: HOOK_PATH, logger: quietLogger() };
  const moduleRef = await Test.createTestingModule({
    imports: ['module' in hooks ? hooks : B24HooksModule.forRoot(hooks), ...(options.imports ?? [])],
    providers: options.providers ?? [],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false, ...BODY_SETUPS[options.setup ?? 'bodyParser: false'] });
  if (options.catchAll !== false) app.useGlobalFilters(new ReshapingCatchAllFilter(app.get(HttpAdapterHost)));
  options.configure?.(app);
  await app.init();
  return app;
}
