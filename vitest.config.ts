import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { nest11Project } from './test/nest11/vitest.project.js';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
// CI asks for a JSON report (read for its closing "N passed, N failed" line) through the environment.
const jsonReport = process.env.B24HOOKS_TEST_REPORT;

const workspaceAlias = [{ find: /^@b24hooks\/([a-z0-9]+)$/, replacement: `${packagesDir}$1/src/index.ts` }];

// Tests run against the TypeScript sources, so a failing test points at the line that changed.
export default defineConfig({
  resolve: {
    alias: workspaceAlias,
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Everything as it is, plus the NestJS adapter's tests on Nest 11 (Nest 12 runs in 'main').
    projects: [{ extends: true, test: { name: 'main' } }, nest11Project(workspaceAlias)],
  },
});
