// Third build step: the ESM entry of a published package as one file. Node's ESM loader pays
// about a millisecond per module file (resolve, open, compile), so importing @b24hooks/core from
// its 45 files cost about 40-55 ms on this machine, and from one file 15-23 ms (issue 15 goal 5).
//
// A package opts in by pointing its `exports["."].import.default` at ./dist/bundle.js: that file
// is made from dist/index.js, which `tsc -b` wrote, so it is never bundled from an old bundle.
// The types stay the per-file declarations tsc wrote. Dependencies and node: builtins stay
// imports (raw-body is still loaded lazily, on the first stream without a declared length).
// Usage: node scripts/bundle-esm.mjs
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { publishedPackages } from './lib/packages.mjs';

const BUNDLE = './dist/bundle.js';

for (const { dir, manifest } of publishedPackages()) {
  if (manifest.exports?.['.']?.import?.default !== BUNDLE) continue;
  const dependencies = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies });
  const external = (id) => id.startsWith('node:') || dependencies.some((name) => id === name || id.startsWith(`${name}/`));
  const bundle = await rolldown({ input: join(dir, 'dist', 'index.js'), external, platform: 'node', logLevel: 'warn' });
  try {
    await bundle.write({ file: join(dir, BUNDLE), format: 'esm', sourcemap: true });
  } finally {
    await bundle.close();
  }
}
