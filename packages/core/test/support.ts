import { encodeForm } from '@b24hooks/core';

export const TOKEN = 'app-token-0123456789abcdef';
export const MEMBER_ID = 'a223c6b3710f85df22e9377d6c4f7553';
export const ACCESS_TOKEN = 'access-token-s6p6eclrvim6da22';
export const REFRESH_TOKEN = 'refresh-token-4s386p3q0tr8dy89';
export const TS = 1_743_165_490;

export function authBlock(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    domain: 'some-domain.bitrix24.com',
    client_endpoint: 'https://some-domain.bitrix24.com/rest/',
    server_endpoint: 'https://oauth.bitrix.info/rest/',
    member_id: MEMBER_ID,
    application_token: TOKEN,
    ...overrides,
  };
}

export function oauthBlock(overrides: Record<string, string> = {}): Record<string, string> {
  return authBlock({
    access_token: ACCESS_TOKEN,
    refresh_token: REFRESH_TOKEN,
    expires: String(TS + 3600),
    expires_in: '3600',
    scope: 'crm,imbot',
    user_id: '1',
    status: 'L',
    ...overrides,
  });
}

export interface DeliveryOptions {
  data?: unknown;
  auth?: Record<string, string> | undefined;
  handlerId?: number;
  extra?: Record<string, unknown>;
}

/** A delivery as PHP's http_build_query writes it. */
export function delivery(event: string, options: DeliveryOptions = {}): string {
  const body: Record<string, unknown> = { event };
  if (options.handlerId !== undefined) body.event_handler_id = options.handlerId;
  if (options.data !== undefined) body.data = options.data;
  body.ts = TS;
  if (options.auth !== undefined || !('auth' in options)) body.auth = options.auth ?? authBlock();
  return encodeForm({ ...body, ...options.extra });
}

export const dealUpdate = (auth?: Record<string, string>) =>
  delivery('ONCRMDEALUPDATE', { handlerId: 735, data: { FIELDS: { ID: '662' } }, auth: auth ?? authBlock() });

export function botMessage(auth: Record<string, string> = oauthBlock()): string {
  const botAuth = { ...auth, application_token: 'bot-copy-of-token-xyz', access_token: 'bot-access-token-xyz' };
  return delivery('ONIMBOTMESSAGEADD', {
    data: {
      BOT: { '5': { BOT_ID: '5', BOT_CODE: 'echo', AUTH: botAuth, ...botAuth }, '17': { BOT_ID: '17', BOT_CODE: 'helper' } },
      PARAMS: { DIALOG_ID: '1', CHAT_TYPE: 'P', MESSAGE_TYPE: 'P', FROM_USER_ID: '1', MESSAGE_ID: '104', MESSAGE: 'Привет 👋 & bye' },
      USER: { ID: '1', NAME: 'Klaus' },
    },
    auth,
  });
}

export const FORM = 'application/x-www-form-urlencoded';

export const post = (body: string | Uint8Array | object, contentType: string = FORM) => ({ method: 'POST', contentType, body });

export function memoryLogger() {
  const lines: Array<{ level: string; message: string; details?: Record<string, unknown> | undefined }> = [];
  return {
    lines,
    warn(message: string, details?: Record<string, unknown>) {
      lines.push({ level: 'warn', message, details });
    },
    error(message: string, details?: Record<string, unknown>) {
      lines.push({ level: 'error', message, details });
    },
    text: () => JSON.stringify(lines),
  };
}
