import { B24_EVENT_LIST } from '@b24hooks/core';
import { EXIT, readCommand, usageError, type CliIO } from './shared.js';

export const EVENTS_HELP = `Usage: b24hooks events [FILTER] [--scope <scope>] [--json]

Lists the events b24hooks knows (the registry): name, REST scope, documentation page.

  FILTER             only names containing FILTER (any case), or starting with it when it ends in *
                     (ONCRMDEAL*)
  --scope <scope>    only events of this REST scope: crm, imbot, task, ...
  --json             one JSON array of { name, scope, doc, suffixed }
  -h, --help         this help

Exit codes: 0 listed, 2 bad command line or no event matched.
`;

const OPTIONS = {
  scope: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function matcher(filter: string | undefined): (name: string) => boolean {
  if (!filter) return () => true;
  const upper = filter.toUpperCase();
  return upper.endsWith('*') ? (name) => name.startsWith(upper.slice(0, -1)) : (name) => name.includes(upper);
}

export function listEvents(args: string[], io: CliIO): number {
  const parsed = readCommand({ name: 'events', options: OPTIONS, help: EVENTS_HELP }, args, io);
  if (parsed === undefined) return EXIT.OK;
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw usageError(`Give at most one filter, got ${positionals.length}.`, 'events');
  const scopes = [...new Set(B24_EVENT_LIST.map((spec) => spec.scope))].sort();
  const scope = values.scope?.toLowerCase();
  if (scope !== undefined && !scopes.includes(scope)) {
    throw usageError(`No events in scope "${values.scope}". Scopes: ${scopes.join(', ')}.`, 'events');
  }
  const matches = matcher(positionals[0]);
  const rows = B24_EVENT_LIST.filter((spec) => (scope === undefined || spec.scope === scope) && matches(spec.name));
  if (rows.length === 0) throw usageError(`No event matches "${positionals[0]}".`, 'events');
  if (values.json) {
    const list = rows.map(({ name, scope: rowScope, doc, suffixed }) => ({ name, scope: rowScope, doc, suffixed }));
    io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return EXIT.OK;
  }
  const names = rows.map((spec) => (spec.suffixed ? `${spec.name}[_<id>]` : spec.name));
  const nameWidth = Math.max(...names.map((name) => name.length));
  const scopeWidth = Math.max(5, ...rows.map((spec) => spec.scope.length));
  const lines = rows.map((spec, index) => `${names[index]!.padEnd(nameWidth)}  ${spec.scope.padEnd(scopeWidth)}  ${spec.doc}`);
  io.stdout.write(`${'EVENT'.padEnd(nameWidth)}  ${'SCOPE'.padEnd(scopeWidth)}  DOC\n${lines.join('\n')}\n`);
  io.stderr.write(`${rows.length} event${rows.length === 1 ? '' : 's'}\n`);
  return EXIT.OK;
}
