// Packs every published package and checks what npm users would get: the manifest rules in
// lib/pack.mjs, then `attw` (types resolve in node10, node16 from CJS and ESM, and bundler mode)
// and `publint --strict` on the very tarballs.
// Usage: node scripts/check-packages.mjs [--report file.json] [outDir]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { manifestProblems, packAll } from './lib/pack.mjs';
import { rootDir } from './lib/packages.mjs';

const bin = (name) => join(rootDir, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const reportAt = args.indexOf('--report');
const reportFile = reportAt >= 0 ? args.splice(reportAt, 2)[1] : undefined;
const keep = args[0];
const outDir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), 'b24hooks-packs-'));

let passed = 0;
let failed = 0;
try {
  for (const pkg of packAll(outDir)) {
    const problems = manifestProblems(pkg);
    for (const problem of problems) console.error(`${pkg.name}: ${problem}`);
    const attw = spawnSync(bin('attw'), [pkg.tarball, '--format', 'table-flipped'], { encoding: 'utf8' });
    const publint = spawnSync(bin('publint'), ['run', '--strict', pkg.tarball], { encoding: 'utf8' });
    if (attw.status !== 0) console.error(attw.stdout + attw.stderr);
    if (publint.status !== 0) console.error(publint.stdout + publint.stderr);
    const ok = problems.length === 0 && attw.status === 0 && publint.status === 0;
    if (ok) passed += 1;
    else failed += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${pkg.name}: manifest ${problems.length ? 'FAIL' : 'ok'}, attw ${attw.status === 0 ? 'ok' : 'FAIL'}, publint --strict ${publint.status === 0 ? 'ok' : 'FAIL'}`);
  }
} catch (error) {
  console.error(error);
  failed += 1;
} finally {
  if (!keep) rmSync(outDir, { recursive: true, force: true });
}
if (reportFile) writeFileSync(reportFile, JSON.stringify({ passed, failed }));
console.log(`packages: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
