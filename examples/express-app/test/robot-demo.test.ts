import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../robot-demo.js', import.meta.url));

// Runs against the built packages, as `pnpm test` builds before vitest.
describe('the Express example answers a robot (examples/express-app/robot-demo.js)', () => {
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    run = spawnSync(process.execPath, [demo], { encoding: 'utf8', timeout: 60_000 });
  });

  it('exits 0 after registration, a call and the reply', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('The robot was registered once, ran, and answered its workflow.');
  });

  it('registers twice without a second robot: added, then updated', () => {
    expect(run.stdout).toContain('1. registerRobots: added [deal_discount], updated []');
    expect(run.stdout).toContain('2. registerRobots: added [], updated [deal_discount]');
    expect(run.stdout).toMatch(/the portal has 1 robot: deal_discount, posting to http:\/\/127\.0\.0\.1:\d+\/b24/);
  });

  it('the handler gets typed properties and its return values reach the portal as Bitrix24 reads them', () => {
    expect(run.stdout).toContain('handler: robot deal_discount on DEAL_18: amount 12500.5, VIP → discount 15 %');
    expect(run.stdout).toContain('answer:  200 {"ok":true}');
    expect(run.stdout).toContain('with {"discount":"15","needsApproval":"Y"}');
  });

  it('never prints a token', () => {
    expect(run.stdout).not.toContain('demo0a1b2c3d4e5f60718293a4b5c6d7');
    expect(run.stdout).not.toMatch(/event_token|access_token/i);
  });
});
