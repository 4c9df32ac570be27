import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

export const rootDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where a block is checked. Nest blocks are checked as the Nest CLI's CommonJS project (its
 * tsconfig, no top-level await); other TypeScript as an ESM NodeNext project; JavaScript as an
 * ESM project without strict types, as a JavaScript user has it, or CommonJS when it require()s.
 */
export type Setting = 'nest-cjs' | 'esm-ts' | 'esm-js' | 'cjs-js';

export interface Snippet {
  /** `docs/nestjs.md:42`, for the failure message. */
  where: string;
  doc: string;
  lang: string;
  code: string;
  /** `app.module.ts` when the block starts with `// app.module.ts`, so others can import it; a
   * bare name is under src/, as in a Nest project, and `test/x.e2e-spec.ts` under test/. */
  fileName?: string;
  setting?: Setting;
}

/** The Markdown users read: the root README, docs/*.md and each package's README (npm shows it). */
export function docFiles(): string[] {
  const docs = readdirSync(join(rootDir, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name));
  const packages = readdirSync(join(rootDir, 'packages'))
    .map((name) => join('packages', name, 'README.md'))
    .filter((file) => {
      try {
        readFileSync(join(rootDir, file));
        return true;
      } catch {
        return false;
      }
    });
  return ['README.md', ...docs, ...packages];
}

const FENCE = /^```(\w*)\s*$/;

export function extractSnippets(doc: string): Snippet[] {
  const lines = readFileSync(join(rootDir, doc), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i]!);
    if (!open || !open[1]) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]!); i += 1) body.push(lines[i]!);
    const code = body.join('\n') + '\n';
    const lang = open[1];
    const named = /^\/\/ ([\w./-]+\.(?:ts|js))\s*$/.exec(body[0] ?? '');
    snippets.push({ where: `${doc}:${start + 1}`, doc, lang, code, ...(named ? { fileName: named[1] } : {}), setting: settingOf(lang, code) });
  }
  return snippets;
}

function settingOf(lang: string, code: string): Setting | undefined {
  if (lang === 'js' || lang === 'javascript') return /\brequire\(/.test(code) ? 'cjs-js' : 'esm-js';
  if (lang !== 'ts' && lang !== 'typescript') return undefined;
  return /from '@(nestjs\/|b24hooks\/nestjs)/.test(code) ? 'nest-cjs' : 'esm-ts';
}

export function slug(path: string): string {
  return relative('.', path).replace(/[^\w]+/g, '-');
}
