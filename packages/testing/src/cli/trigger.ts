import { buildEventBody, type AuthPatch, type BuildEventOptions } from '../build.js';
import { FIXTURE_TOKEN } from '../defaults.js';
import { resolveFixture } from '../fixtures.js';
import { checkUrl, postBody } from '../send.js';
import { EXIT, EXIT_CODES_HELP, onlyPositional, readCommand, report, requireUrl, timeoutOf, usageError, type CliIO } from './shared.js';

export const TRIGGER_HELP = `Usage: b24hooks trigger <EVENT> --url <url> --token <token> [options]

Posts one realistic delivery of EVENT to your receiver, as Bitrix24 would: the event's documented
example data, PHP-encoded (application/x-www-form-urlencoded), with an auth block. Prints the
answer's status and body.

  <EVENT>                 a registry name (ONCRMDEALUPDATE, CATALOG.PRODUCT.ON.ADD), any case;
                          a smart-process family takes its suffix: ONCRMDYNAMICITEMADD_147
  --url <url>             where your receiver listens, e.g. http://localhost:3000/b24
  --token <token>         auth[application_token]: the token your receiver expects
                          (or set B24HOOKS_TOKEN, which keeps it out of the shell history)
  --set <path=value>      set a field, repeatable: --set data.FIELDS.ID=5
                          (also data[FIELDS][ID]=5; auth.user_id=7; data=108 for a bare value)
  --unset <path>          remove a field the example has: --unset data.FIELDS.ID
  --member-id <id>        auth[member_id], the portal's id (default a made-up one)
  --domain <domain>       auth[domain]; also sets auth[client_endpoint] to https://<domain>/rest/
  --webhook               only the five auth keys of an outgoing webhook (no OAuth tokens)
  --ts <seconds>          ts, Unix seconds (default: now)
  --handler-id <id>       event_handler_id (default 47)
  --timeout <ms>          give up waiting after this long (default 10000)
  --dry-run               print the body instead of posting it (no --url or --token needed)
  -h, --help              this help

Example:
  b24hooks trigger ONCRMDEALUPDATE --url http://localhost:3000/b24 --token "$TOKEN" --set data.FIELDS.ID=5

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  set: { type: 'string', multiple: true },
  unset: { type: 'string', multiple: true },
  'member-id': { type: 'string' },
  domain: { type: 'string' },
  webhook: { type: 'boolean' },
  ts: { type: 'string' },
  'handler-id': { type: 'string' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

type Tree = Record<string, unknown>;

/** `data.FIELDS.ID` or `data[FIELDS][ID]` → ['data', 'FIELDS', 'ID']. */
function splitPath(path: string): string[] {
  const match = /^([^.[\]]+)((?:\[[^[\]]*\])*)$/.exec(path);
  if (match) return [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1]!)];
  return path.split('.');
}

function assign(target: Tree, keys: string[], value: string | null): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (node[key] = next !== null && typeof next === 'object' ? next : {}) as Tree;
  }
  node[keys.at(-1)!] = value;
}

interface Patches {
  data?: unknown;
  auth: AuthPatch;
}

function applyPath(patches: Patches, path: string, value: string | null, flag: string): void {
  const [root, ...keys] = splitPath(path);
  if (keys.some((key) => key === '') || (root !== 'data' && root !== 'auth')) {
    throw usageError(`${flag} ${path}: a path starts with data. or auth. and names each key, e.g. data.FIELDS.ID`, 'trigger');
  }
  if (root === 'auth') {
    if (keys.length !== 1) throw usageError(`${flag} ${path}: auth keys are flat, e.g. auth.user_id`, 'trigger');
    patches.auth[keys[0]!] = value;
  } else if (keys.length === 0) {
    patches.data = value;
  } else {
    if (patches.data === undefined || patches.data === null || typeof patches.data !== 'object') patches.data = {};
    assign(patches.data as Tree, keys, value);
  }
}

function integerOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${flag} takes a whole number, got "${value}"`, 'trigger');
  return Number(value);
}

export async function trigger(args: string[], io: CliIO): Promise<number> {
  const parsed = readCommand({ name: 'trigger', options: OPTIONS, help: TRIGGER_HELP }, args, io);
  if (parsed === undefined) return EXIT.OK;
  const { values, positionals } = parsed;
  const name = onlyPositional(positionals, 'trigger', 'Name the event to send, e.g. b24hooks trigger ONCRMDEALUPDATE --url ...');
  resolveFixture(name); // an unknown name fails before anything else is asked for

  const patches: Patches = { auth: {} };
  for (const assignment of values.set ?? []) {
    const at = assignment.indexOf('=');
    if (at <= 0) throw usageError(`--set ${assignment}: write path=value, e.g. --set data.FIELDS.ID=5`, 'trigger');
    applyPath(patches, assignment.slice(0, at), assignment.slice(at + 1), '--set');
  }
  for (const path of values.unset ?? []) applyPath(patches, path, null, '--unset');

  const dryRun = values['dry-run'] === true;
  const url = dryRun ? undefined : checkUrl(requireUrl(values.url, 'trigger'));
  const token = values.token || io.env.B24HOOKS_TOKEN || (dryRun ? FIXTURE_TOKEN : undefined);
  if (!token) throw usageError('--token is required (or set B24HOOKS_TOKEN): the application token your receiver checks.', 'trigger');
  const portal: BuildEventOptions['portal'] = {};
  if (values['member-id'] !== undefined) portal.memberId = values['member-id'];
  if (values.domain !== undefined) portal.domain = values.domain;
  const handlerId = integerOption(values['handler-id'], '--handler-id');
  const options: BuildEventOptions = {
    token,
    portal,
    auth: patches.auth,
    ts: integerOption(values.ts, '--ts') ?? Math.floor(Date.now() / 1000),
    ...(patches.data !== undefined && { data: patches.data as BuildEventOptions['data'] }),
    ...(values.webhook && { oauth: false }),
    ...(handlerId !== undefined && { handlerId }),
  };
  const body = buildEventBody(name, options);
  if (dryRun) {
    io.stdout.write(`${body}\n`);
    return EXIT.OK;
  }
  return report(io, await postBody(url!, body, { timeoutMs: timeoutOf(values.timeout, 'trigger') ?? 10_000 }));
}
