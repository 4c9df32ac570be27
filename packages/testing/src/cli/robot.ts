import { buildRobotBody, type BuildRobotOptions } from '../build-robot.js';
import { FIXTURE_TOKEN } from '../defaults.js';
import { checkUrl, postBody } from '../send.js';
import { EXIT, EXIT_CODES_HELP, onlyPositional, readCommand, report, requireUrl, timeoutOf, usageError, type CliIO } from './shared.js';

export const ROBOT_HELP = `Usage: b24hooks robot <CODE> --url <url> --token <token> [options]

Posts one business-process robot (or activity) call to your receiver, as Bitrix24 would: workflow
id, document, event token, properties, PHP-encoded, with the robot user's auth block. Prints the
answer's status and body. Your handler's reply goes to the portal in auth[client_endpoint].

  <CODE>                  the robot's code, as in defineRobot({ code })
  --url <url>             where your receiver listens, e.g. http://localhost:3000/b24
  --token <token>         auth[application_token]: the token your receiver expects
                          (or set B24HOOKS_TOKEN, which keeps it out of the shell history)
  --set <prop=value>      a property, repeatable; repeat a name for a multiple one:
                          --set phone=+4930123 --set tags=vip --set tags=berlin
  --use-subscription <v>  Y (default: the workflow waits for the reply), N, or none (left out)
  --timeout-duration <s>  timeout_duration in seconds (default 0)
  --document <m:e:id>     document_id, e.g. crm:CCrmDocumentDeal:DEAL_18 (the default)
  --event-token <token>   event_token (default a made-up one)
  --member-id <id>        auth[member_id], the portal's id (default a made-up one)
  --domain <domain>       auth[domain]; also sets auth[client_endpoint] to https://<domain>/rest/
  --client-endpoint <u>   auth[client_endpoint], where the reply goes (e.g. a local fake portal)
  --access-token <token>  auth[access_token], the token the reply is sent with
  --webhook               only the five auth keys (no OAuth tokens)
  --ts <seconds>          ts, Unix seconds (default: now)
  --timeout <ms>          give up waiting after this long (default 10000)
  --dry-run               print the body instead of posting it (no --url or --token needed)
  -h, --help              this help

Example:
  b24hooks robot find_deal --url http://localhost:3000/b24 --token "$TOKEN" --set phone=+4930123

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  set: { type: 'string', multiple: true },
  'use-subscription': { type: 'string' },
  'timeout-duration': { type: 'string' },
  document: { type: 'string' },
  'event-token': { type: 'string' },
  'member-id': { type: 'string' },
  domain: { type: 'string' },
  'client-endpoint': { type: 'string' },
  'access-token': { type: 'string' },
  webhook: { type: 'boolean' },
  ts: { type: 'string' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

const PROPERTY_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${flag} takes a whole number, got "${value}"`, 'robot');
  return Number(value);
}

/** `--set a=1 --set b=2 --set b=3` → `{ a: '1', b: ['2', '3'] }`. */
function propertiesOf(assignments: readonly string[]): Record<string, string | string[]> {
  const properties: Record<string, string | string[]> = {};
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    const key = assignment.slice(0, Math.max(at, 0));
    if (at <= 0 || !PROPERTY_KEY.test(key)) throw usageError(`--set ${assignment}: write property=value, e.g. --set phone=+4930123`, 'robot');
    const value = assignment.slice(at + 1);
    const existing = properties[key];
    properties[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return properties;
}

function useSubscriptionOf(value: string | undefined): BuildRobotOptions['useSubscription'] {
  if (value === undefined) return 'Y';
  const upper = value.toUpperCase();
  if (upper === 'Y' || upper === 'N') return upper;
  if (value === 'none') return null;
  throw usageError(`--use-subscription takes Y, N or none, got "${value}"`, 'robot');
}

function documentOf(value: string | undefined): BuildRobotOptions['document'] {
  if (value === undefined) return undefined;
  const parts = value.split(':');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw usageError(`--document takes module:entity:id, e.g. crm:CCrmDocumentDeal:DEAL_18, got "${value}"`, 'robot');
  }
  return parts as [string, string, string];
}

export async function robot(args: string[], io: CliIO): Promise<number> {
  const parsed = readCommand({ name: 'robot', options: OPTIONS, help: ROBOT_HELP }, args, io);
  if (parsed === undefined) return EXIT.OK;
  const { values, positionals } = parsed;
  const code = onlyPositional(positionals, 'robot', 'Name the robot code, e.g. b24hooks robot find_deal --url ...');
  if (!/^[A-Za-z0-9._-]+$/.test(code)) throw usageError(`"${code}" is not a robot code (a-z, A-Z, 0-9, ".", "-", "_").`, 'robot');
  const properties = propertiesOf(values.set ?? []);
  const dryRun = values['dry-run'] === true;
  const url = dryRun ? undefined : checkUrl(requireUrl(values.url, 'robot'));
  const token = values.token || io.env.B24HOOKS_TOKEN || (dryRun ? FIXTURE_TOKEN : undefined);
  if (!token) throw usageError('--token is required (or set B24HOOKS_TOKEN): the application token your receiver checks.', 'robot');
  const portal: NonNullable<BuildRobotOptions['portal']> = {};
  if (values['member-id'] !== undefined) portal.memberId = values['member-id'];
  if (values.domain !== undefined) portal.domain = values.domain;
  if (values['client-endpoint'] !== undefined) portal.clientEndpoint = values['client-endpoint'];
  const document = documentOf(values.document);
  const options: BuildRobotOptions = {
    token,
    portal,
    useSubscription: useSubscriptionOf(values['use-subscription']),
    timeout: wholeNumber(values['timeout-duration'], '--timeout-duration') ?? 0,
    ts: wholeNumber(values.ts, '--ts') ?? Math.floor(Date.now() / 1000),
    ...(document && { document }),
    ...(values['event-token'] !== undefined && { eventToken: values['event-token'] }),
    ...(values.webhook && { oauth: false }),
    ...(values['access-token'] !== undefined && { auth: { access_token: values['access-token'] } }),
  };
  const body = buildRobotBody(code, properties, options);
  if (dryRun) {
    io.stdout.write(`${body}\n`);
    return EXIT.OK;
  }
  return report(io, await postBody(url!, body, { timeoutMs: timeoutOf(values.timeout, 'robot') ?? 10_000 }));
}
