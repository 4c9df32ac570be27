import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, extractSnippets, rootDir, slug, type Setting, type Snippet } from './snippets.js';

// Every code block a user would copy compiles where it says it runs (test/docs/snippets.ts says
// which setting each block gets). The blocks are written under test/docs/node_modules, so they
// resolve the packages (built: `pnpm test` builds first) as an installed app would.
const workDir = join(rootDir, 'test', 'docs', 'node_modules', '.snippets');

const TSCONFIG: Record<Setting, { type: 'module' | 'commonjs'; compilerOptions: Record<string, unknown> }> = {
  // The tsconfig `nest new` writes for Nest 11 (less baseUrl, which TypeScript 7 dropped; strict
  // spelled out, as TypeScript 7 turns it on by default); the project has no "type", so its files
  // are CommonJS and top-level await does not compile.
  'nest-cjs': {
    type: 'commonjs',
    compilerOptions: {
      strict: false,
      // The template names no `types`, so every installed @types package applies: Node's and Jest's.
      types: ['node', 'jest'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      resolvePackageJsonExports: true,
      esModuleInterop: true,
      isolatedModules: true,
      declaration: true,
      removeComments: true,
      emitDecoratorMetadata: true,
      experimentalDecorators: true,
      allowSyntheticDefaultImports: true,
      target: 'ES2023',
      sourceMap: true,
      skipLibCheck: true,
      strictNullChecks: true,
      forceConsistentCasingInFileNames: true,
      noImplicitAny: false,
      strictBindCallApply: false,
      noFallthroughCasesInSwitch: false,
    },
  },
  'esm-ts': { type: 'module', compilerOptions: { module: 'nodenext', target: 'ES2023', strict: true, skipLibCheck: true } },
  'esm-js': { type: 'module', compilerOptions: { module: 'nodenext', target: 'ES2023', allowJs: true, checkJs: true, strict: false, skipLibCheck: true } },
  'cjs-js': { type: 'commonjs', compilerOptions: { module: 'nodenext', target: 'ES2023', allowJs: true, checkJs: true, strict: false, skipLibCheck: true } },
};

const snippets = docFiles().flatMap(extractSnippets);
const checked = snippets.filter((snippet) => snippet.setting);

const named = new Set<string>();

/** A block named `// main.ts` is that file, unless an earlier block of its doc took the name. */
function fileOf(snippet: Snippet, index: number): string {
  const extension = snippet.setting?.endsWith('-js') ? 'js' : 'ts';
  const dir = join(snippet.setting!, slug(snippet.doc));
  const wanted = snippet.fileName && join(dir, snippet.fileName.includes('/') ? '' : 'src', snippet.fileName);
  if (wanted && !named.has(wanted)) {
    named.add(wanted);
    return wanted;
  }
  return join(dir, 'src', `block-${index}.${extension}`);
}

/** Writes every block of one setting into its project and type-checks it; errors by block. */
function typeCheck(setting: Setting): Map<string, string[]> {
  const dir = join(workDir, setting);
  const { type, compilerOptions } = TSCONFIG[setting];
  // Named only within this setting's blocks: a name taken in another setting's project is no clash.
  const blocks = checked
    .map((snippet, index) => ({ snippet, index }))
    .filter(({ snippet }) => snippet.setting === setting)
    .map(({ snippet, index }) => ({ snippet, file: fileOf(snippet, index) }));
  for (const { snippet, file } of blocks) {
    mkdirSync(join(workDir, file, '..'), { recursive: true });
    writeFileSync(join(workDir, file), snippet.code);
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { types: ['node'], ...compilerOptions, noEmit: true }, include: ['**/*'] }));
  const tsc = spawnSync(join(rootDir, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  const errors = new Map<string, string[]>(blocks.map(({ snippet }) => [snippet.where, []]));
  for (const line of tsc.stdout.split('\n').filter(Boolean)) {
    const owner = blocks.find(({ file }) => line.startsWith(file.slice(setting.length + 1)));
    const where = owner?.snippet.where ?? `(${setting} project)`;
    errors.set(where, [...(errors.get(where) ?? []), owner ? line.replace(/^[^(]+/, '') : line]);
  }
  return errors;
}

rmSync(workDir, { recursive: true, force: true });
const results = new Map<string, string[]>();
for (const setting of Object.keys(TSCONFIG) as Setting[]) for (const [where, errors] of typeCheck(setting)) results.set(where, errors);

describe('code blocks in the docs', () => {
  it('finds the blocks', () => {
    expect(checked.length).toBeGreaterThan(10);
  });

  it.each(checked.map((snippet) => [snippet.where, snippet.setting] as const))('%s compiles (%s)', (where) => {
    expect(results.get(where)).toEqual([]);
  });

  it('each project compiled as a whole', () => {
    expect([...results.keys()].filter((where) => where.startsWith('('))).toEqual([]);
  });

  it('shell blocks run the CLI the way npx finds it', () => {
    const bare = snippets.filter((snippet) => /^(sh|bash|shell)$/.test(snippet.lang) && /npx b24hooks/.test(snippet.code));
    // `npx b24hooks` looks up an unrelated `b24hooks` package unless @b24hooks/testing is installed locally.
    expect(bare.map((snippet) => snippet.where)).toEqual([]);
  });
});
