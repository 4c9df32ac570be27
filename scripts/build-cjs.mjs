// Second build of every published package, as CommonJS into dist/cjs (the first, `tsc -b`, is the
// ESM one in dist). A CommonJS app (Nest's CLI template, Jest with ts-jest, `module: commonjs`)
// then loads real CommonJS instead of relying on require(esm), which Node 20.19+ has but Node
// 21 and 22.0-22.11 do not, and which Jest refuses.
//
// Each package's own tsconfig.json is reused with module commonjs; the CommonJS roots are the
// sources behind the `require` targets in its `exports`, so entry points that only ESM can run
// (the testing CLI with its top-level await) stay ESM-only. Usage: node scripts/build-cjs.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedPackages, rootDir } from './lib/packages.mjs';

const tsc = join(rootDir, 'node_modules', '.bin', 'tsc');

/** `./dist/cjs/a/b.js` (a `require` target) to `src/a/b.ts`. */
function sourceOf(target) {
  const match = /^\.\/dist\/cjs\/(.+)\.c?js$/.exec(target);
  if (!match) throw new Error(`a require target must live in ./dist/cjs/: ${target}`);
  return `src/${match[1]}.ts`;
}

function requireTargets(exportsField) {
  const targets = [];
  const walk = (node, underRequire) => {
    if (typeof node === 'string') {
      if (underRequire && !node.endsWith('.d.ts') && !node.endsWith('.d.cts')) targets.push(node);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(value, underRequire || key === 'require');
    }
  };
  walk(exportsField, false);
  return [...new Set(targets)];
}

/** Dependencies before dependents, so each build finds the CommonJS types it imports. */
function inBuildOrder(packages) {
  const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]));
  const ordered = [];
  const seen = new Set();
  const visit = (pkg) => {
    if (seen.has(pkg)) return;
    seen.add(pkg);
    for (const name of Object.keys(pkg.manifest.dependencies ?? {})) {
      const dependency = byName.get(name);
      if (dependency) visit(dependency);
    }
    ordered.push(pkg);
  };
  packages.forEach(visit);
  return ordered;
}

let failed = false;
for (const { dir, manifest } of inBuildOrder(publishedPackages())) {
  const roots = requireTargets(manifest.exports).map((target) => join(dir, sourceOf(target)));
  if (roots.length === 0) throw new Error(`${manifest.name}: its "exports" need a "require" condition pointing into ./dist/cjs/ (see docs/decisions.md, Packaging)`);
  const outDir = join(dir, 'dist', 'cjs');
  rmSync(outDir, { recursive: true, force: true });
  // Inside the package, so TypeScript finds its @types the way the package's own build does.
  const scratch = join(dir, 'node_modules', '.cache');
  mkdirSync(scratch, { recursive: true });
  const config = join(scratch, 'b24hooks-cjs.tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(dir, 'tsconfig.json'),
      compilerOptions: {
        module: 'commonjs',
        moduleResolution: 'bundler',
        verbatimModuleSyntax: false,
        composite: false,
        incremental: false,
        rootDir: join(dir, 'src'),
        outDir,
      },
      files: roots,
      include: [],
    }),
  );
  const run = spawnSync(tsc, ['-p', config], { stdio: 'inherit' });
  rmSync(config, { force: true });
  if (run.status !== 0) {
    failed = true;
    console.error(`build-cjs: ${manifest.name} failed`);
    continue;
  }
  mkdirSync(outDir, { recursive: true });
  // The package is "type": "module"; this marks dist/cjs's .js and .d.ts files as CommonJS.
  writeFileSync(join(outDir, 'package.json'), '{\n  "type": "commonjs"\n}\n');
}
process.exitCode = failed ? 1 : 0;
