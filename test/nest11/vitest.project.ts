import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const nest11 = fileURLToPath(new URL('./node_modules/@nestjs/', import.meta.url));

/**
 * The NestJS adapter's tests once more, with every `@nestjs/*` import (the tests', the adapter's
 * sources') resolved to this folder's Nest 11; Nest's own packages then load their Nest 11 peers.
 * Not `extends: true`: that would add the root's `include`, so every test would run twice.
 */
export function nest11Project(workspaceAlias: ReadonlyArray<{ find: RegExp; replacement: string }>): TestProjectInlineConfiguration {
  return {
    resolve: {
      alias: [...workspaceAlias, { find: /^@nestjs\/(common|core|platform-express|testing)(\/.*)?$/, replacement: `${nest11}$1$2` }],
    },
    test: {
      name: 'nest11',
      include: ['packages/nestjs/test/**/*.test.ts', 'examples/nest-app/test/**/*.test.ts', 'test/conformance-nest.test.ts', 'test/conformance-timeout.test.ts', 'test/stress-http.test.ts'],
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}
