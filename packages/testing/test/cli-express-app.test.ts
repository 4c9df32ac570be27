/**
 * The built CLI against the Express example service (examples/express-app), through the real
 * Express adapter: what a user does with `pnpm start` in one shell and `b24hooks trigger` in another.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventBody } from '@b24hooks/testing';
import { assertBuilt, b24hooks } from './cli-runner.js';

const appModule = fileURLToPath(new URL('../../../examples/express-app/app.js', import.meta.url));
const TOKEN = 'cli0test0token0a1b2c3d4e5f60718';

interface ExampleApp {
  createApp(options: { token: string; log: (line: string) => void; logger: { warn(): void } }): { app: { listen(port: number, host: string): Server } };
}

describe.skipIf(!existsSync(appModule))('b24hooks against examples/express-app', () => {
  const lines: string[] = [];
  let server: Server;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    // Loaded by path: the example is plain JavaScript outside this package.
    const { createApp } = (await import(pathToFileURL(appModule).href)) as ExampleApp;
    const { app } = createApp({ token: TOKEN, log: (line) => lines.push(line), logger: { warn() {} } });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/b24`;
    dir = await mkdtemp(join(tmpdir(), 'b24hooks-cli-express-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trigger reaches the handler', async () => {
    const run = await b24hooks(['trigger', 'ONCRMDEALUPDATE', '--url', url, '--token', TOKEN, '--set', 'data.FIELDS.ID=4242']);
    expect(run).toMatchObject({ code: 0, stdout: 'HTTP 200\n{"ok":true}\n' });
    expect(lines).toContain('deal #4242 changed on example.bitrix24.com');
  });

  it('trigger sends chat-bot blocks keyed by bot id', async () => {
    const run = await b24hooks(['trigger', 'ONIMBOTMESSAGEADD', '--url', url, '--set', 'data.PARAMS.MESSAGE=ping', '--set', 'data.USER.NAME=Ivan'], { B24HOOKS_TOKEN: TOKEN });
    expect(run.code).toBe(0);
    expect(lines.at(-1)).toMatch(/^Ivan wrote to \S+ \(#567\): "ping"$/);
  });

  it('replay posts a captured body, and a wrong token exits 1 with the 401', async () => {
    const file = join(dir, 'deal.txt');
    await writeFile(file, `${buildEventBody('ONCRMDEALUPDATE', { token: TOKEN, data: { FIELDS: { ID: 77 } } })}\n`);
    expect((await b24hooks(['replay', file, '--url', url])).code).toBe(0);
    expect(lines.at(-1)).toBe('deal #77 changed on example.bitrix24.com');
    const refused = await b24hooks(['replay', file, '--url', url, '--token', 'wrong']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^HTTP 401\n.*TOKEN_MISMATCH/);
  });
});
