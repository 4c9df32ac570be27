import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createReceiver, parseForm, toEvent } from '@b24hooks/core';
import { ACCESS_TOKEN, FORM, REFRESH_TOKEN, TOKEN, botMessage, dealUpdate, memoryLogger, oauthBlock, post } from './support.js';

const SECRETS = [TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, 'bot-copy-of-token-xyz', 'bot-access-token-xyz'];

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('secrets stay secret', () => {
  const event = toEvent(parseForm(botMessage(oauthBlock())));

  it('JSON.stringify(event) redacts every token, including the bot blocks', () => {
    const json = JSON.stringify(event);
    expectNoSecret(json);
    expect(json).toContain('[redacted]');
    expect(json).toContain('Привет');
  });

  it('util.inspect(event, { depth: null }) redacts them too', () => {
    const text = inspect(event, { depth: null });
    expectNoSecret(text);
    expect(text).toContain('ONIMBOTMESSAGEADD');
  });

  it('keeps the values reachable by name', () => {
    expect((event.raw.auth as Record<string, string>).application_token).toBe(TOKEN);
    expect(event.auth?.accessToken).toBe(ACCESS_TOKEN);
    expect(event.auth?.refreshToken).toBe(REFRESH_TOKEN);
    const bot = (event.raw.data as { BOT: Record<string, { AUTH: Record<string, string> }> }).BOT['5']!;
    expect(bot.AUTH.application_token).toBe('bot-copy-of-token-xyz');
  });

  it('never puts a token in answers or log lines, refused or accepted', async () => {
    const logger = memoryLogger();
    const receiver = createReceiver({ token: 'the-expected-token', logger });
    const answers = await Promise.all([
      receiver.handle(post(dealUpdate())),
      receiver.handle(post(botMessage())),
      receiver.handle(post(dealUpdate().replace('ONCRMDEALUPDATE', 'X'))),
      receiver.handle(post(`${dealUpdate()}&a%5B__proto__%5D=1`)),
      receiver.handle({ method: 'POST', contentType: 'text/plain', body: dealUpdate() }),
      receiver.handle(post(JSON.stringify({ event: 'X', auth: { application_token: TOKEN } }), 'application/json')),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 415, 401]);
    expectNoSecret(JSON.stringify(answers.map((answer) => answer.body)));
    expectNoSecret(logger.text());
    expect(logger.text()).not.toContain('the-expected-token');
    expect(logger.lines.length).toBe(6);
    expect(FORM).toBe('application/x-www-form-urlencoded');
  });
});
