import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../demo.js', import.meta.url));

// The demo runs on the built packages (`pnpm test` builds before vitest).
describe('examples/offline-sync/demo.js', () => {
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    run = spawnSync(process.execPath, [demo], { encoding: 'utf8', timeout: 60_000 });
  });

  it('drains on ONOFFLINEEVENT, marks the failing record, drains on schedule, retries, and leaves the queue empty', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('4 changes wait in the portal\'s offline queue');
    expect(run.stdout).toMatch(/deal #11 synced \(offline record #1\)[\s\S]*deal #12 synced[\s\S]*handler failed: deal #13 is locked in the ERP[\s\S]*deal #14 synced[\s\S]*ONOFFLINEEVENT answered 200/);
    expect(run.stdout).toContain('marked as errors on the portal: #3 (ONCRMDEALUPDATE)');
    expect(run.stdout).toContain('scheduled drain: {"received":1,"handled":1,"failed":0}');
    expect(run.stdout).toContain('retry of failed records: {"received":1,"handled":1,"failed":0}');
    expect(run.stdout).toContain('The offline queue is empty: every change was handled.');
  });
});
