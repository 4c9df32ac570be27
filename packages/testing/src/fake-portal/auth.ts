import type { FormObject } from '@b24hooks/core';
import { expiredToken, invalidCredentials, invalidToken, noAuth, notFoundMethod } from './errors.js';
import type { TokenBook } from './tokens.js';
import type { CallAuth } from './types.js';

const WEBHOOK_PATH = /^\/rest\/(\d+)\/([^/]+)\/([^/]+?)(?:\.(?:json|xml))?\/?$/;
const OAUTH_PATH = /^\/rest\/([a-z0-9_.]+?)(?:\.(?:json|xml))?\/?$/i;

/** The method a REST path names, whether or not its auth is right. */
export function methodInPath(path: string): string | undefined {
  return WEBHOOK_PATH.exec(path)?.[3] ?? OAUTH_PATH.exec(path)?.[1];
}

/**
 * Who calls, as Bitrix24 decides it: `/rest/<user>/<secret>/<method>` for the incoming webhook,
 * `/rest/<method>` with `auth=<access_token>` for an application. Throws the portal's refusal.
 */
export function authorise(path: string, params: FormObject, webhook: { userId: number; secret: string }, book: TokenBook): { method: string; auth: CallAuth } {
  const hook = WEBHOOK_PATH.exec(path);
  if (hook) {
    if (Number(hook[1]) !== webhook.userId || hook[2] !== webhook.secret) throw invalidCredentials();
    return { method: hook[3]!, auth: { kind: 'webhook', userId: webhook.userId } };
  }
  const oauth = OAUTH_PATH.exec(path);
  if (!oauth) throw notFoundMethod();
  const token = params.auth;
  if (typeof token !== 'string' || token === '') throw noAuth();
  const checked = book.check(token);
  if (checked.state !== 'valid') throw checked.state === 'expired' ? expiredToken() : invalidToken();
  return { method: oauth[1]!, auth: { kind: 'oauth', accessToken: token, userId: checked.userId } };
}
