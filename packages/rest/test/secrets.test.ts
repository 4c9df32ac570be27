import { createFakePortal, FakePortalError, type FakePortal } from '@b24hooks/testing';
import { B24RestError, createMemoryCredentialStore, createRestClient } from '@b24hooks/rest';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let portal: FakePortal;
beforeAll(async () => {
  portal = await createFakePortal({ rateLimit: false });
  portal.method('echo.get', (params) => params);
});
afterAll(() => portal.close());

function shown(value: unknown): string {
  return [inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value), String(value), value instanceof Error ? String(value.stack) : ''].join('\n');
}

describe('secrets never show', () => {
  it('not in util.inspect or JSON.stringify of a webhook client', () => {
    const b24 = createRestClient({ webhook: portal.webhookUrl });
    expect(shown(b24)).not.toContain(portal.webhook.secret);
    expect(JSON.parse(JSON.stringify(b24))).toEqual({ kind: 'b24hooks REST client', auth: 'webhook', portal: portal.url.replace('http://', ''), userId: 1 });
  });

  it('not in util.inspect or JSON.stringify of an application client, nor of the memory store', async () => {
    const tokens = portal.tokens;
    const store = createMemoryCredentialStore([[portal.memberId, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, domain: portal.domain, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint, memberId: portal.memberId }]]);
    const b24 = createRestClient({ memberId: portal.memberId, app: portal.app, credentials: store, oauthServer: portal.oauthServer });
    await b24.call('echo.get');
    for (const value of [b24, store]) {
      for (const secret of [tokens.accessToken, tokens.refreshToken, portal.app.clientSecret]) expect(shown(value)).not.toContain(secret);
    }
  });

  it('not in an error, its cause, or its stack, even when the portal echoes the token', async () => {
    const tokens = portal.tokens;
    portal.method('echoing.get', (_params, context) => {
      const token = context.auth.kind === 'oauth' ? context.auth.accessToken : '';
      throw new FakePortalError('BAD', `token ${token} is not allowed`);
    });
    const event = { portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint }, auth: { accessToken: tokens.accessToken } };
    const error = await createRestClient({ auth: event }).call('echoing.get').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(B24RestError);
    expect((error as B24RestError).description).toBe('token *** is not allowed');
    expect(shown(error)).not.toContain(tokens.accessToken);
  });

  it('not in a log line: retries and refreshes are logged with method, code and host only', async () => {
    const lines: string[] = [];
    const logger = { warn: (message: string, details?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(details)}`) };
    let first = true;
    portal.method('flaky.get', () => {
      if (first) {
        first = false;
        throw new FakePortalError('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503);
      }
      return 1;
    });
    await createRestClient({ webhook: portal.webhookUrl, logger, retryDelayMs: 5, rateLimit: false }).call('flaky.get');
    const tokens = portal.tokens;
    const event = { portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint }, auth: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } };
    portal.expireTokens();
    await createRestClient({ auth: event, app: portal.app, oauthServer: portal.oauthServer, logger, rateLimit: false }).call('echo.get');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"method":"flaky.get","code":"QUERY_LIMIT_EXCEEDED","attempt":1');
    expect(lines[1]).toContain('"code":"expired_token"');
    for (const secret of [portal.webhook.secret, tokens.accessToken, tokens.refreshToken, portal.tokens.accessToken, portal.app.clientSecret]) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });

  it('not in a network failure of a webhook call', async () => {
    const gone = await createFakePortal();
    const url = gone.webhookUrl;
    await gone.close();
    const error = await createRestClient({ webhook: url, retries: 0 }).call('echo.get').catch((caught: unknown) => caught);
    expect((error as B24RestError).code).toBe('NETWORK_ERROR');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(shown(error)).not.toContain(gone.webhook.secret);
  });
});
