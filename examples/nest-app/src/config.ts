import { Injectable } from '@nestjs/common';

/** The service's settings, from the environment (a real app might use @nestjs/config). */
@Injectable()
export class AppConfig {
  /** The application token(s) Bitrix24 showed for the webhook or sent in ONAPPINSTALL; comma-separated while rotating. */
  readonly b24Tokens = (process.env.B24_APP_TOKEN ?? '').split(',').filter(Boolean);
  /** What the app's own API asks of its clients. */
  readonly apiKey = process.env.API_KEY ?? '';
}
