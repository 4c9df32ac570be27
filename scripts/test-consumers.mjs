// Installs the packed packages into the projects under consumers/ as a user would, outside the
// workspace (so nothing resolves through pnpm's links), with npm from the registry, and runs
// each project's `npm test`. Dependencies spelled "tarball" become file: links to the tarballs;
// the key "@b24hooks/*" stands for every published package, so a new package is covered as soon
// as it exists. npm's cache lives outside the clone and is reused between runs.
//
// Usage: node scripts/test-consumers.mjs [--report file.json] [name ...]   (needs `pnpm build`)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll } from './lib/pack.mjs';
import { rootDir } from './lib/packages.mjs';

const args = process.argv.slice(2);
const reportAt = args.indexOf('--report');
const reportFile = reportAt >= 0 ? args.splice(reportAt, 2)[1] : undefined;
const consumersDir = join(rootDir, 'consumers');
const names = args.length > 0 ? args : readdirSync(consumersDir).filter((name) => !name.includes('.'));
const npmCache = process.env.B24HOOKS_NPM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'b24hooks', 'npm');

function run(command, commandArgs, cwd) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, commandArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ ok: code === 0, output, seconds: (Date.now() - started) / 1000 }));
  });
}

function withTarballs(manifest, packed) {
  const tarballOf = new Map(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
  for (const section of ['dependencies', 'devDependencies']) {
    const deps = manifest[section];
    if (!deps) continue;
    if (deps['@b24hooks/*'] !== undefined) {
      delete deps['@b24hooks/*'];
      for (const name of tarballOf.keys()) deps[name] = 'tarball';
    }
    for (const [name, spec] of Object.entries(deps)) {
      if (spec !== 'tarball') continue;
      if (!tarballOf.has(name)) throw new Error(`${manifest.name}: no packed package ${name}`);
      deps[name] = tarballOf.get(name);
    }
  }
  // Each package's own "@b24hooks/core": "^0.1.0" must meet the tarball, not the registry.
  manifest.overrides = Object.fromEntries([...tarballOf].map(([name, spec]) => [name, spec]));
  return manifest;
}

const work = mkdtempSync(join(tmpdir(), 'b24hooks-consumers-'));
const results = [];
try {
  const packed = packAll(join(work, 'packs'));
  // Installs are mostly waiting on the network: run them side by side, the tests one by one.
  const installs = await Promise.all(
    names.map(async (name) => {
      const dir = join(work, name);
      cpSync(join(consumersDir, name), dir, { recursive: true });
      const manifestFile = join(dir, 'package.json');
      writeFileSync(manifestFile, JSON.stringify(withTarballs(JSON.parse(readFileSync(manifestFile, 'utf8')), packed), null, 2));
      const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--cache', npmCache], dir);
      return { name, dir, install };
    }),
  );
  for (const { name, dir, install } of installs) {
    const test = install.ok ? await run('npm', ['test'], dir) : { ok: false, output: '', seconds: 0 };
    const ok = install.ok && test.ok;
    results.push({ name, ok, install: install.seconds, test: test.seconds });
    if (!ok) console.error(`--- ${name} ---\n${install.ok ? test.output : install.output}`);
    console.log(`${ok ? 'ok  ' : 'FAIL'} consumer ${name}: npm install ${install.seconds.toFixed(1)} s${install.ok ? '' : ' (failed)'}, npm test ${test.seconds.toFixed(1)} s`);
  }
} catch (error) {
  console.error(error);
} finally {
  rmSync(work, { recursive: true, force: true });
}
const passed = results.filter((result) => result.ok).length;
const failed = names.length - passed;
if (reportFile) writeFileSync(reportFile, JSON.stringify({ passed, failed, results }));
console.log(`consumers: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
