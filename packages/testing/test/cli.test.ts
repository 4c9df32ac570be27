/**
 * The built CLI (`node packages/testing/dist/cli.js`, what `b24hooks` runs) against a real server
 * around receiver.handle. Needs `pnpm build` first, as `pnpm test` does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B24_EVENT_NAMES, B24_EVENTS, type B24Event } from '@b24hooks/core';
import { buildEventBody, FIXTURE_TOKEN } from '@b24hooks/testing';
import { assertBuilt, b24hooks } from './cli-runner.js';
import { refusingUrl, startReceiverServer, type ReceiverServer } from './server.js';

let server: ReceiverServer;
let dir: string;
beforeAll(async () => {
  assertBuilt();
  server = await startReceiverServer();
  dir = await mkdtemp(join(tmpdir(), 'b24hooks-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const lastEvent = () => server.events.at(-1) as B24Event;

describe('b24hooks trigger', () => {
  it('posts a realistic event and prints the status and the answer', async () => {
    const run = await b24hooks(['trigger', 'ONCRMDEALUPDATE', '--url', server.url, '--token', FIXTURE_TOKEN, '--set', 'data.FIELDS.ID=5']);
    expect(run).toMatchObject({ code: 0, stdout: 'HTTP 200\n{"ok":true}\n', stderr: '' });
    const event = lastEvent() as B24Event<'ONCRMDEALUPDATE'>;
    expect(event.name).toBe('ONCRMDEALUPDATE');
    expect(event.data.FIELDS.ID).toBe(5);
    expect(event.auth?.accessToken).toBeTypeOf('string');
    expect(Math.abs(event.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('takes the portal, bracket paths, --unset, --webhook, --ts, --handler-id and B24HOOKS_TOKEN', async () => {
    const run = await b24hooks(
      ['trigger', 'onCrmDynamicItemUpdate_31', '--url', server.url, '--member-id', 'portal-7', '--domain', 'acme.bitrix24.de',
        '--set', 'data[FIELDS][TITLE]=Hello world & co', '--unset', 'auth.server_endpoint', '--webhook', '--ts', '1700000000', '--handler-id', '9'],
      { B24HOOKS_TOKEN: FIXTURE_TOKEN },
    );
    expect(run).toMatchObject({ code: 0, stdout: 'HTTP 200\n{"ok":true}\n' });
    const event = lastEvent() as B24Event<'ONCRMDYNAMICITEMUPDATE_31'>;
    expect(event.name).toBe('ONCRMDYNAMICITEMUPDATE_31');
    expect(event.portal).toMatchObject({ memberId: 'portal-7', domain: 'acme.bitrix24.de', clientEndpoint: 'https://acme.bitrix24.de/rest/' });
    expect(event.raw.data).toMatchObject({ FIELDS: { TITLE: 'Hello world & co' } });
    expect(event.data.FIELDS.ENTITY_TYPE_ID).toBe(31);
    expect(event.portal.serverEndpoint).toBe('');
    expect(event.auth).toBeUndefined();
    expect(event.timestamp).toEqual(new Date(1_700_000_000_000));
    expect(event.handlerId).toBe(9);
  });

  it('exits 1 and prints the refusal when the receiver answers non-2xx', async () => {
    const run = await b24hooks(['trigger', 'ONCRMDEALUPDATE', '--url', server.url, '--token', 'not-the-token']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^HTTP 401\n\{"error":\{"code":"TOKEN_MISMATCH"/);
  });

  it('exits 3 for an unknown event, with a suggestion', async () => {
    const run = await b24hooks(['trigger', 'ONCRMDEALUPDAT', '--url', server.url, '--token', FIXTURE_TOKEN]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Did you mean ONCRMDEALUPDATE');
  });

  it('exits 4 for a bad URL', async () => {
    for (const url of ['localhost:3000', 'not a url', 'ftp://127.0.0.1/b24']) {
      const run = await b24hooks(['trigger', 'ONCRMDEALUPDATE', '--url', url, '--token', FIXTURE_TOKEN]);
      expect(run.code, url).toBe(4);
      expect(run.stderr).toMatch(/URL/);
    }
  });

  it('exits 5 when the connection is refused', async () => {
    const run = await b24hooks(['trigger', 'ONCRMDEALUPDATE', '--url', await refusingUrl(), '--token', FIXTURE_TOKEN]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('is your server running');
  });

  it('exits 2 for a bad command line', async () => {
    const cases = [
      ['trigger', 'ONCRMDEALUPDATE', '--url', server.url],
      ['trigger', 'ONCRMDEALUPDATE', '--token', 't'],
      ['trigger', '--url', server.url, '--token', 't'],
      ['trigger', 'ONCRMDEALUPDATE', '--url', server.url, '--token', 't', '--bogus'],
      ['trigger', 'ONCRMDEALUPDATE', '--url', server.url, '--token', 't', '--set', 'FIELDS.ID=5'],
      ['frobnicate'],
      [],
    ];
    for (const args of cases) expect((await b24hooks(args)).code, args.join(' ')).toBe(2);
  });

  it('prints the body with --dry-run, without posting', async () => {
    const before = server.deliveries.length;
    const run = await b24hooks(['trigger', 'ONCRMDEALUPDATE', '--dry-run', '--ts', '1767261600']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${buildEventBody('ONCRMDEALUPDATE')}\n`);
    expect(server.deliveries.length).toBe(before);
  });
});

describe('b24hooks replay', () => {
  it('posts a captured form body byte for byte (its trailing newline dropped)', async () => {
    const body = buildEventBody('ONCRMCONTACTADD', { data: { FIELDS: { ID: 321 } } });
    const file = join(dir, 'capture.txt');
    await writeFile(file, `${body}\n`);
    const run = await b24hooks(['replay', file, '--url', server.url]);
    expect(run).toMatchObject({ code: 0, stdout: 'HTTP 200\n{"ok":true}\n' });
    expect(server.deliveries.at(-1)).toEqual({ contentType: 'application/x-www-form-urlencoded', body });
    expect(lastEvent().name).toBe('ONCRMCONTACTADD');
  });

  it('sends a JSON file as application/json', async () => {
    const file = join(dir, 'capture.json');
    const json = { event: 'ONTASKADD', data: { FIELDS_AFTER: { ID: '12' } }, ts: '1767261600', auth: { domain: 'a.bitrix24.com', member_id: 'm', application_token: FIXTURE_TOKEN } };
    await writeFile(file, JSON.stringify(json));
    const run = await b24hooks(['replay', file, '--url', server.url]);
    expect(run.stdout.startsWith('HTTP 200\n')).toBe(true);
    expect(server.deliveries.at(-1)!.contentType).toBe('application/json');
    expect(lastEvent().name).toBe('ONTASKADD');
  });

  it('replaces the application token with --token', async () => {
    const form = join(dir, 'prod.txt');
    await writeFile(form, buildEventBody('ONCRMLEADADD', { token: 'production-token' }));
    expect((await b24hooks(['replay', form, '--url', server.url])).code).toBe(1);
    expect((await b24hooks(['replay', form, '--url', server.url, '--token', FIXTURE_TOKEN])).code).toBe(0);
    const json = join(dir, 'prod.json');
    await writeFile(json, JSON.stringify({ event: 'ONCRMLEADADD', data: { FIELDS: { ID: '1' } }, ts: '1', auth: { domain: 'a', member_id: 'm', application_token: 'production-token' } }));
    expect((await b24hooks(['replay', json, '--url', server.url, '--token', FIXTURE_TOKEN])).code).toBe(0);
  });

  it('exits 7 for a missing file or invalid JSON, 4 for a bad URL, 5 when refused', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "event": ');
    expect((await b24hooks(['replay', join(dir, 'missing.txt'), '--url', server.url])).code).toBe(7);
    expect((await b24hooks(['replay', broken, '--url', server.url])).code).toBe(7);
    const file = join(dir, 'ok.txt');
    await writeFile(file, buildEventBody('ONCRMDEALADD'));
    expect((await b24hooks(['replay', file, '--url', 'nope'])).code).toBe(4);
    expect((await b24hooks(['replay', file, '--url', await refusingUrl()])).code).toBe(5);
  });
});

describe('b24hooks events', () => {
  it('lists every registry event with its scope and doc', async () => {
    const run = await b24hooks(['events']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(B24_EVENT_NAMES.length + 1);
    expect(lines.find((line) => line.startsWith('ONCRMDEALUPDATE '))).toMatch(/ONCRMDEALUPDATE\s+crm\s+https:\/\/apidocs\.bitrix24\.com\/\S+on-crm-deal-update\.html$/);
  });

  it('filters by scope and name, and prints JSON', async () => {
    const run = await b24hooks(['events', 'onCrmDeal*', '--scope', 'crm', '--json']);
    const rows = JSON.parse(run.stdout) as Array<{ name: string; scope: string; doc: string }>;
    expect(rows.map((row) => row.name)).toEqual(B24_EVENT_NAMES.filter((name) => name.startsWith('ONCRMDEAL')));
    expect(rows[0]).toEqual({ name: rows[0]!.name, scope: 'crm', doc: B24_EVENTS[rows[0]!.name]!.doc, suffixed: false });
    expect((await b24hooks(['events', '--scope', 'nope'])).code).toBe(2);
  });
});

describe('--help', () => {
  it('documents every command and the exit codes', async () => {
    for (const args of [['--help'], ['trigger', '--help'], ['replay', '-h'], ['events', '--help']]) {
      const run = await b24hooks(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/^Usage: b24hooks/);
    }
    for (const command of ['trigger', 'replay']) {
      const { stdout } = await b24hooks([command, '--help']);
      for (const code of ['3  unknown event', '4  bad URL', '5  connection refused']) expect(stdout, command).toContain(code);
    }
  });
});
