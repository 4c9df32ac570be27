// Packs every published package with `pnpm pack` (which rewrites workspace: and catalog: ranges
// the way `pnpm publish` does) and checks each tarball's manifest as npm would show it.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { publishedPackages } from './packages.mjs';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** Packs into `outDir`; returns [{ name, folder, tarball, manifest, files }] with the packed manifest. */
export function packAll(outDir) {
  mkdirSync(outDir, { recursive: true });
  return publishedPackages().map(({ dir, folder, manifest }) => {
    const tarball = join(outDir, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
    run('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir });
    const files = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean).map((file) => file.replace(/^package\//, ''));
    const packed = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));
    const readme = files.includes('README.md') ? run('tar', ['-xzOf', tarball, 'package/README.md']) : '';
    return { name: manifest.name, folder, tarball, manifest: packed, files, readme };
  });
}

const CARET = /^\^\d+\.\d+\.\d+(-[\w.]+)?$/;

/** What a published manifest must hold; returns the problems found (empty when fine). */
export function manifestProblems({ manifest, files, readme }) {
  const problems = [];
  const has = (file) => files.includes(file.replace(/^\.\//, ''));
  for (const file of ['LICENSE', 'README.md', 'package.json']) if (!has(file)) problems.push(`no ${file} in the tarball`);
  // On npm a README stands alone: a relative link there leads nowhere.
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)/g)) {
    if (!/^(https?:|mailto:|#)/.test(target)) problems.push(`README.md links to "${target}", not an absolute URL`);
  }
  if (manifest.license !== 'MIT') problems.push(`license is ${manifest.license}, not MIT`);
  if (!manifest.repository?.url || !manifest.repository?.directory) problems.push('no repository url and directory');
  if (!manifest.homepage) problems.push('no homepage');
  if (!manifest.bugs?.url) problems.push('no bugs url');
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) problems.push('no keywords');
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!CARET.test(range)) problems.push(`dependency ${name} is "${range}", not a caret range`);
  }
  for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (!range.split('||').every((part) => CARET.test(part.trim()))) problems.push(`peer dependency ${name} is "${range}", not carets`);
  }
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  const walk = (node) => (typeof node === 'string' ? targets.push(node) : Object.values(node ?? {}).forEach(walk));
  walk(manifest.exports);
  for (const target of targets) if (target && !has(target)) problems.push(`${target} is named but not in the tarball`);
  if (!has('dist/cjs/package.json')) problems.push('no dist/cjs/package.json marking the CommonJS build');
  return problems;
}
