// Shared by the scripts that turn packages/core/registry/events.json into checked-in files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const registryPath = fileURLToPath(new URL('../../packages/core/registry/events.json', import.meta.url));

/** The registry's rows, sorted by name as the runtime registry is. */
export function readRegistryEvents(path = registryPath) {
  const { events } = JSON.parse(readFileSync(path, 'utf8'));
  return [...events].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Writes `content` to `outPath`, or with `--check` in argv fails (exit 1) when the checked-in file
 * differs, so CI catches a registry change nobody regenerated.
 */
export function writeOrCheck(outPath, content, { argv = process.argv.slice(2), summary = '' } = {}) {
  const shown = relative(repoRoot, outPath);
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {}
    if (current !== content) {
      console.error(`${shown} is stale: run \`pnpm generate\` and commit it.`);
      process.exit(1);
    }
    console.log(`${shown} is up to date${summary}.`);
    return;
  }
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, content);
  console.log(`wrote ${shown}${summary}`);
}
