import { FIXTURE_OAUTH } from '@b24hooks/testing';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../demo.js', import.meta.url));

// `pnpm demo` runs this script after the build; `pnpm test` builds before vitest too.
describe('pnpm demo (examples/express-app/demo.js)', () => {
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    run = spawnSync(process.execPath, [demo], { encoding: 'utf8', timeout: 60_000 });
  });

  it('exits 0 after every delivery was answered as expected', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Every delivery was answered as expected.');
  });

  it('prints each typed event, what the handler did, and each answer', () => {
    expect(run.stdout).toMatch(/name: 'ONCRMDEALUPDATE'[\s\S]*handler: deal #662 changed on example\.bitrix24\.com[\s\S]*answer:  200 accepted/);
    expect(run.stdout).toMatch(/BOT: \{ '5': \{ BOT_ID: 5, BOT_CODE: 'helpdesk' \} \}/);
    expect(run.stdout).toContain('handler: Anna Petrova wrote to helpdesk (#5): "Where is my order #1042?"');
    expect(run.stdout).toContain('answer:  401 TOKEN_MISMATCH');
  });

  it('reads the deal back through the fake portal\'s incoming webhook URL, which recorded that one call', () => {
    expect(run.stdout).toMatch(/handler: deal #662 changed[\s\S]*handler: read deal #662 back through the incoming webhook: "Kitchen renovation", 12500\.00 EUR, stage PREPARATION[\s\S]*answer:  200 accepted/);
    expect(run.stdout).toContain('The portal recorded 1 REST call: crm.deal.get(id=662) by webhook user #1');
  });

  it('never prints a token', () => {
    for (const secret of ['demo0a1b2c3d4e5f60718293a4b5c6d7', 'demo173glortu42l', 'not-the-token-of-this-service', FIXTURE_OAUTH.accessToken, FIXTURE_OAUTH.refreshToken]) {
      expect(run.stdout).not.toContain(secret);
    }
  });
});
