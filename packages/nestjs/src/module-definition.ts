import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { Receiver, ReceiverOptions } from '@b24hooks/core';

/**
 * What `forRoot` takes (besides the extras) and the factory of `forRootAsync` returns: the
 * receiver's options, or `{ receiver }`, a receiver made elsewhere (shared with other code).
 */
export type B24HooksOptions = ReceiverOptions | { receiver: Receiver };

/** Static settings: given beside the receiver options in `forRoot`, beside `useFactory` in `forRootAsync`. */
export interface B24HooksExtras {
  /** Serve this route (`POST`; other methods get 405) and dispatch to `@OnB24Event()` methods. */
  path?: string;
  /** Decorators for the module's route handler, e.g. `[Public()]` so a global auth guard lets Bitrix24 through. */
  decorators?: readonly MethodDecorator[];
  /** Make `B24_RECEIVER` (and so `B24EventGuard`) available in every module. Default `true`. */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: B24HooksConfigurableModule,
  MODULE_OPTIONS_TOKEN: B24_HOOKS_OPTIONS,
  OPTIONS_TYPE: B24_HOOKS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: B24_HOOKS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<B24HooksOptions>({ moduleName: 'B24Hooks' })
  .setClassMethodName('forRoot')
  .setExtras<B24HooksExtras>({ path: undefined, decorators: undefined, isGlobal: true })
  .build();

export type B24HooksModuleOptions = typeof B24_HOOKS_OPTIONS_TYPE;
export type B24HooksModuleAsyncOptions = typeof B24_HOOKS_ASYNC_OPTIONS_TYPE;
