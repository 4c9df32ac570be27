// Runs every *.bench.js here in sequence, each in its own node process so one bench's JIT state
// and garbage do not skew the next. Benches import the BUILT @b24hooks/core: `pnpm bench` builds first.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.js') && (only.length === 0 || only.some((name) => file.includes(name))))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n# ${file}`);
  const { status, signal } = spawnSync(process.execPath, [file], { cwd: here, stdio: 'inherit' });
  if (status !== 0) {
    failed++;
    console.error(`${file} failed (${signal ?? `exit ${status}`})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
