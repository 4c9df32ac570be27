import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from './config.js';

const IS_PUBLIC = 'isPublic';

/** Lets a route past the app-wide API-key guard: Bitrix24 sends no key, its application token is checked instead. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The app-wide guard (APP_GUARD): every route needs `x-api-key` unless it is @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const key = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['x-api-key'];
    return this.config.apiKey !== '' && key === this.config.apiKey;
  }
}
