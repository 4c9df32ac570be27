import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packageSource = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so a failing test points at the line that changed.
export default defineConfig({
  resolve: {
    alias: [{ find: /^@b24hooks\/(core|express|koa|nestjs|testing)$/, replacement: '$1', customResolver: (id) => packageSource(id) }],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
