// The published packages: every packages/* directory with a package.json that is not private.
// Build, pack and check scripts iterate over this list, so a new package needs no script edits.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const rootDir = fileURLToPath(new URL('../../', import.meta.url));
export const packagesDir = join(rootDir, 'packages');

export function publishedPackages() {
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, folder: entry.name, manifest };
    })
    .filter(({ manifest }) => !manifest.private)
    .sort((a, b) => a.folder.localeCompare(b.folder));
}
