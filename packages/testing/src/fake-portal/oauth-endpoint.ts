import type { FormObject } from '@b24hooks/core';
import type { FakePortal, RecordedRefresh } from './types.js';
import type { TokenBook } from './tokens.js';

/**
 * Bitrix24's OAuth server (`oauth.bitrix.info/oauth/token/`) for `grant_type=refresh_token`: new
 * tokens and the portal they belong to, or `{ error, error_description }`.
 */
export function answerTokenRequest(portal: FakePortal, book: TokenBook, params: FormObject, queryKeys: Set<string>): { status: number; body: unknown; record: RecordedRefresh } {
  const record: RecordedRefresh = {
    grantType: typeof params.grant_type === 'string' ? params.grant_type : undefined,
    clientId: typeof params.client_id === 'string' ? params.client_id : undefined,
    secretInQuery: queryKeys.has('client_secret'),
    status: 200,
    at: new Date(),
  };
  const fail = (status: number, error: string, description: string) => {
    record.status = status;
    record.error = error;
    return { status, body: { error, error_description: description }, record };
  };
  if (params.grant_type !== 'refresh_token') return fail(400, 'unsupported_grant_type', 'The grant type is not supported');
  if (params.client_id !== portal.app.clientId || params.client_secret !== portal.app.clientSecret) {
    return fail(401, 'invalid_client', 'Invalid client credentials');
  }
  const tokens = typeof params.refresh_token === 'string' ? book.refresh(params.refresh_token) : undefined;
  if (tokens === undefined) return fail(400, 'invalid_grant', 'Invalid refresh token');
  return {
    status: 200,
    record,
    body: {
      access_token: tokens.accessToken,
      expires: tokens.expires,
      expires_in: tokens.expires - Math.floor(Date.now() / 1000),
      scope: 'app',
      domain: portal.domain,
      server_endpoint: portal.serverEndpoint,
      status: 'L',
      client_endpoint: portal.clientEndpoint,
      member_id: portal.memberId,
      user_id: 1,
      refresh_token: tokens.refreshToken,
    },
  };
}
