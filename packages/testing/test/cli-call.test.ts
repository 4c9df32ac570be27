/** `b24hooks call` (the built CLI) against the fake portal over real HTTP. Needs `pnpm build` first. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakePortal, FakePortalError, type FakePortal } from '@b24hooks/testing';
import { assertBuilt, b24hooks } from './cli-runner.js';

let portal: FakePortal;
beforeAll(async () => {
  assertBuilt();
  portal = await createFakePortal({ rateLimit: false });
  portal.method('crm.contact.get', (params) => {
    if (params.ID === '0') throw new FakePortalError('NOT_FOUND', 'Not found');
    return { ID: params.ID, NAME: 'Anna' };
  });
  portal.method('echo.list', (params) => params);
  portal.listMethod('crm.deal.list', Array.from({ length: 60 }, (_, index) => ({ ID: String(index + 1) })));
});
afterAll(() => portal.close());

describe('b24hooks call', () => {
  it('takes the lesson\'s URL form (method.json?ID=42) and prints the result as JSON', async () => {
    const run = await b24hooks(['call', `${portal.webhookUrl}crm.contact.get.json?ID=42`]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ ID: '42', NAME: 'Anna' });
    expect(portal.callsOf('crm.contact.get').at(-1)).toMatchObject({ params: { ID: '42' }, auth: { kind: 'webhook' } });
  });

  it('sends key=value parameters PHP-style, nested keys included', async () => {
    const run = await b24hooks(['call', `${portal.webhookUrl}echo.list`, 'filter[>ID]=5', 'select[]=ID', 'select[]=TITLE', 'text=a b&c']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ filter: { '>ID': '5' }, select: ['ID', 'TITLE'], text: 'a b&c' });
  });

  it('reads the webhook from B24HOOKS_WEBHOOK and takes only the method; --raw prints the whole answer', async () => {
    const run = await b24hooks(['call', 'crm.deal.list', '--raw'], { B24HOOKS_WEBHOOK: portal.webhookUrl });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ total: 60, next: 50 });
    const paged = await b24hooks(['call', 'crm.deal.list'], { B24HOOKS_WEBHOOK: portal.webhookUrl });
    expect(paged.stderr).toBe('total: 60, next page: start=50\n');
  });

  it('prints the portal\'s error and exits 1; never prints the secret', async () => {
    const failed = await b24hooks(['call', `${portal.webhookUrl}crm.contact.get`, 'ID=0']);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed.stderr).toContain('crm.contact.get failed with NOT_FOUND: Not found (HTTP 400)');
    const wrong = await b24hooks(['call', `${portal.url}/rest/1/wrongsecret42/crm.contact.get`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('INVALID_CREDENTIALS');
    const gone = await createFakePortal();
    const url = `${gone.webhookUrl}app.info`;
    await gone.close();
    const refused = await b24hooks(['call', url]);
    expect(refused.code).toBe(5);
    for (const run of [failed, wrong, refused]) {
      expect(run.stdout + run.stderr).not.toContain(portal.webhook.secret);
      expect(run.stdout + run.stderr).not.toContain(gone.webhook.secret);
      expect(run.stdout + run.stderr).not.toContain('wrongsecret42');
    }
  });

  it('refuses what is not a webhook URL with a method, and plain http to a remote host', async () => {
    const noMethod = await b24hooks(['call', 'https://example.bitrix24.com/rest/1/s3cr3tvalue/']);
    expect(noMethod.code).toBe(4);
    const insecure = await b24hooks(['call', 'http://example.bitrix24.com/rest/1/s3cr3tvalue/app.info']);
    expect(insecure.code).toBe(4);
    expect(insecure.stderr).toContain('--allow-insecure-http');
    for (const run of [noMethod, insecure]) expect(run.stderr).not.toContain('s3cr3tvalue');
    expect((await b24hooks(['call'])).code).toBe(2);
    expect((await b24hooks(['call', `${portal.webhookUrl}app.info`, 'novalue'])).code).toBe(2);
    expect((await b24hooks(['call', '--help'])).stdout).toContain('Usage: b24hooks call');
  });
});
