// Packs every published package and checks what npm users would get: the manifest rules in
// lib/pack.mjs, then `attw` (types resolve in node10, node16 from CJS and ESM, and bundler mode)
// and `publint --strict` on the very tarballs.
// Usage: node scripts/check-packages.mjs [--report file.json] [outDir]
import { execFile } from 'node:child_process';
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

/** Runs a checker; resolves to { ok, output } (a non-zero exit is a finding, not a throw). */
function check(command, commandArgs) {
  return new Promise((done) => {
    execFile(bin(command), commandArgs, { encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) => done({ ok: !error, output: stdout + stderr }));
  });
}

let passed = 0;
let failed = 0;
try {
  // attw and publint of one package run side by side (the machine has 2 cores), packages in turn.
  for (const pkg of packAll(outDir)) {
    const problems = manifestProblems(pkg);
    for (const problem of problems) console.error(`${pkg.name}: ${problem}`);
    const [attw, publint] = await Promise.all([
      check('attw', [pkg.tarball, '--format', 'table-flipped']),
      check('publint', ['run', '--strict', pkg.tarball]),
    ]);
    if (!attw.ok) console.error(attw.output);
    if (!publint.ok) console.error(publint.output);
    const ok = problems.length === 0 && attw.ok && publint.ok;
    if (ok) passed += 1;
    else failed += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${pkg.name}: manifest ${problems.length ? 'FAIL' : 'ok'}, attw ${attw.ok ? 'ok' : 'FAIL'}, publint --strict ${publint.ok ? 'ok' : 'FAIL'}`);
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
