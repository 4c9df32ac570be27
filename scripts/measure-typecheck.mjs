#!/usr/bin/env node
// Measures what the typed event map costs a user's type-check: the same small app (N on() calls,
// a wildcard, a list, onAny and a switch over B24KnownEvent) checked against @b24hooks/core's
// declarations with the full generated map, and with a stub map of one event.
//   pnpm build && node scripts/measure-typecheck.mjs [--calls 20] [--runs 7]
// Prints the median wall time of `tsc --noEmit` per variant and tsc's own check time, types and
// instantiations (--extendedDiagnostics). Nothing is written inside the repository.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20' }, runs: { type: 'string', default: '7' } } });
const calls = Number(values.calls);
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../', import.meta.url));
const coreDir = join(root, 'packages/core');
const tsc = join(root, 'node_modules/.bin/tsc');
if (!existsSync(join(coreDir, 'dist/index.d.ts'))) {
  console.error('packages/core/dist is missing: run `pnpm build` first.');
  process.exit(1);
}

const STUB_MAP = `import type { B24EventSpec } from './shape.js';
export declare const B24_EVENT_LIST: readonly B24EventSpec[];
export type B24SuffixedFamily = never;
export interface B24EventDataMap {
    "ONCRMDEALUPDATE": {
        FIELDS: {
            ID: number;
            [key: string]: unknown;
        };
        [key: string]: unknown;
    };
}
`;

// Registry names from several scopes; with the stub map all but ONCRMDEALUPDATE are unknown names,
// so the handlers only use what every event has, and the file compiles against both variants.
const NAMES = [
  'ONCRMDEALUPDATE', 'ONCRMDEALADD', 'ONCRMLEADADD', 'ONCRMCONTACTUPDATE', 'ONCRMCOMPANYDELETE',
  'ONCRMDYNAMICITEMADD_147', 'ONTASKADD', 'ONTASKUPDATE', 'ONUSERADD', 'ONAPPINSTALL',
  'ONAPPUNINSTALL', 'ONIMBOTMESSAGEADD', 'ONIMCONNECTORMESSAGEADD', 'ONOPENLINEMESSAGEADD',
  'ONVOXIMPLANTCALLEND', 'ONCALENDARENTRYADD', 'ONBOOKINGADD', 'CATALOG.PRODUCT.ON.ADD',
  'ONSALEORDERSAVED', 'ONSONETGROUPADD',
];

function appSource() {
  const lines = ["import { createReceiver, type B24KnownEvent } from '@b24hooks/core';", '', "const receiver = createReceiver({ token: 'x' });", 'const seen: string[] = [];'];
  for (let index = 0; index < calls; index++) {
    const name = NAMES[index % NAMES.length];
    lines.push(`receiver.on('${name}', (event) => { seen.push(event.name, event.portal.domain, JSON.stringify(event.data)); });`);
  }
  lines.push(
    "receiver.on('ONCRMDEALUPDATE', (event) => event.data.FIELDS.ID + 1);",
    "receiver.on('ONCRMDEAL*', (event) => seen.push(event.name));",
    "receiver.on(['ONCRMDEALADD', 'ONCRMLEADADD'], (event) => seen.push(event.name));",
    'receiver.onAny((event) => seen.push(event.name));',
    '',
    'export function describe(event: B24KnownEvent): string {',
    '  switch (event.name) {',
    "    case 'ONCRMDEALUPDATE':",
    '      return `deal ${event.data.FIELDS.ID}`;',
    '    default:',
    '      return `${event.name} from ${event.portal.domain}`;',
    '  }',
    '}',
    '',
  );
  return lines.join('\n');
}

function makeProject(dir, stub) {
  const pkg = join(dir, 'node_modules/@b24hooks/core');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(coreDir, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(coreDir, 'dist'), join(pkg, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') && !path.endsWith('.js') });
  if (stub) writeFileSync(join(pkg, 'dist/events/registry.generated.d.ts'), STUB_MAP);
  // The declarations name node:http and raw-body types: borrow core's installed ones.
  for (const dep of ['@types', 'raw-body']) symlinkSync(join(coreDir, 'node_modules', dep), join(dir, 'node_modules', dep));
  writeFileSync(join(dir, 'app.ts'), appSource());
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] },
      files: ['app.ts'],
    }),
  );
}

function runOnce(dir) {
  const started = process.hrtime.bigint();
  let output;
  try {
    output = execFileSync(tsc, ['-p', join(dir, 'tsconfig.json'), '--extendedDiagnostics'], { encoding: 'utf8' });
  } catch (error) {
    console.error(`tsc failed in ${dir}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    process.exit(1);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stat = (label) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(output)?.[1] ?? NaN);
  return { wallMs, checkMs: stat('Check time') * 1000, types: stat('Types'), instantiations: stat('Instantiations') };
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const base = mkdtempSync(join(tmpdir(), 'b24hooks-typecheck-'));
try {
  const variants = [
    { label: `full map (${(readFileSync(join(coreDir, 'src/events/registry.generated.ts'), 'utf8').match(/^ {2}\{"name":/gm) ?? []).length} events)`, dir: join(base, 'full'), stub: false },
    { label: 'stub map (1 event)', dir: join(base, 'stub'), stub: true },
  ];
  for (const variant of variants) makeProject(variant.dir, variant.stub);
  const results = new Map(variants.map((variant) => [variant, []]));
  for (const variant of variants) runOnce(variant.dir); // warm the file cache
  for (let run = 0; run < runs; run++) for (const variant of variants) results.get(variant).push(runOnce(variant.dir));
  console.log(`tsc ${execFileSync(tsc, ['--version'], { encoding: 'utf8' }).trim()}; app with ${calls} on() calls + wildcard + list + onAny + switch over B24KnownEvent; median of ${runs} runs`);
  for (const variant of variants) {
    const list = results.get(variant);
    const pick = (key) => median(list.map((item) => item[key]));
    console.log(
      `${variant.label.padEnd(22)} wall ${pick('wallMs').toFixed(0).padStart(5)} ms   check ${pick('checkMs').toFixed(0).padStart(4)} ms   types ${pick('types')}   instantiations ${pick('instantiations')}`,
    );
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
