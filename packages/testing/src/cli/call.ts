import { urlencode } from '@b24hooks/core';
import { B24TestingError } from '../errors.js';
import { CliError, EXIT, onlyPositional, readCommand, timeoutOf, usageError, type CliIO } from './shared.js';

export const CALL_HELP = `Usage: b24hooks call <webhook-url>/<method> [key=value ...] [options]

Calls a Bitrix24 REST method through an incoming webhook URL and prints its result as JSON.
The parameters go in a POST body, PHP-encoded as Bitrix24 expects. The webhook secret is never
printed.

  <webhook-url>/<method>  the incoming webhook URL with the method, as Bitrix24 shows it:
                          https://example.bitrix24.com/rest/1/<secret>/crm.contact.get.json?ID=42
                          With B24HOOKS_WEBHOOK set to the webhook URL (keeps the secret out of the
                          shell history), give only the method: b24hooks call crm.contact.get ID=42
  key=value               a parameter, repeatable; nested keys as in PHP: filter[>ID]=5 select[]=ID
  --raw                   print the whole answer ({ result, total, next, time })
  --timeout <ms>          give up waiting after this long (default 30000)
  --allow-insecure-http   allow plain http to a host other than localhost
  -h, --help              this help

Exit codes:
  0  the portal answered a result (printed)
  1  the portal answered an error (printed to stderr: its code and description)
  2  bad command line
  4  not an incoming webhook URL with a method
  5  connection refused
  6  other network failure, or an answer that is not Bitrix24's JSON
`;

const OPTIONS = {
  raw: { type: 'boolean' },
  timeout: { type: 'string' },
  'allow-insecure-http': { type: 'boolean' },
} as const;

const SHAPE = 'https://<portal>/rest/<user id>/<secret>/<method>.json';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

interface Target {
  url: URL;
  method: string;
  host: string;
  query: string;
}

/** The method URL, from the argument alone or from B24HOOKS_WEBHOOK plus a method name. */
function target(argument: string, env: Record<string, string | undefined>, insecure: boolean): Target {
  const base = env.B24HOOKS_WEBHOOK;
  const joined = /^[a-z0-9_.]+$/i.test(argument) && base ? `${base.replace(/\/?$/, '/')}${argument}` : argument;
  let url: URL;
  try {
    url = new URL(joined);
  } catch {
    throw new B24TestingError('BAD_URL', `The argument is not a URL; give the incoming webhook URL with a method: ${SHAPE} (or set B24HOOKS_WEBHOOK and give the method).`);
  }
  const match = /^\/rest\/(\d+)\/([A-Za-z0-9_-]+)\/([a-z0-9_]+(?:\.[a-z0-9_]+)*?)(?:\.json)?\/?$/i.exec(url.pathname);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !match || url.username || url.password) {
    throw new B24TestingError('BAD_URL', `That is not an incoming webhook URL with a method for ${url.host || 'this host'}; it must look like ${SHAPE}.`);
  }
  if (url.protocol === 'http:' && !insecure && !isLoopback(url.hostname)) {
    throw new B24TestingError('BAD_URL', `Plain http to ${url.host} would send the webhook secret in clear text; use https, or --allow-insecure-http.`);
  }
  const query = url.search.slice(1);
  url.search = '';
  url.hash = '';
  url.pathname = `/rest/${match[1]}/${match[2]}/${match[3]}.json`;
  return { url, method: match[3]!, host: url.host, query };
}

/** `key=value` arguments as a form body (brackets in keys nest, as PHP reads them). */
function formBody(pairs: string[]): string {
  return pairs
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw usageError(`"${pair}" is not a key=value parameter.`, 'call');
      return `${urlencode(pair.slice(0, at)).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${urlencode(pair.slice(at + 1))}`;
    })
    .join('&');
}

function failure(error: unknown, host: string, timeoutMs: number): B24TestingError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError') return new B24TestingError('NETWORK', `No answer from ${host} within ${timeoutMs} ms.`);
  let inner: unknown = error;
  while ((inner as { cause?: unknown } | null)?.cause !== undefined) inner = (inner as { cause: unknown }).cause;
  const code = (inner as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return new B24TestingError('CONNECTION_REFUSED', `Nothing accepts connections at ${host}.`);
  // Only the errno code: fetch's own messages can quote the URL, and the URL holds the secret.
  return new B24TestingError('NETWORK', `Could not reach ${host}${typeof code === 'string' ? ` (${code})` : ''}.`);
}

export async function call(args: string[], io: CliIO): Promise<number> {
  const parsed = readCommand({ name: 'call', options: OPTIONS, help: CALL_HELP }, args, io);
  if (parsed === undefined) return EXIT.OK;
  const [first, ...pairs] = parsed.positionals;
  const where = target(onlyPositional(first === undefined ? [] : [first], 'call', `Give the incoming webhook URL with a method: ${SHAPE}`), io.env, parsed.values['allow-insecure-http'] === true);
  const timeoutMs = timeoutOf(parsed.values.timeout, 'call') ?? 30_000;
  const body = [where.query, formBody(pairs)].filter(Boolean).join('&');
  let response: Response;
  let text: string;
  try {
    response = await fetch(where.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw failure(error, where.host, timeoutMs);
  }
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
    if (answer === null || typeof answer !== 'object') throw new Error('not an object');
  } catch {
    throw new CliError(EXIT.NETWORK, `${where.host} answered HTTP ${response.status} without Bitrix24's JSON; is the URL right?`);
  }
  if ('error' in answer || !response.ok) {
    const code = typeof answer.error === 'string' && answer.error !== '' ? answer.error : `HTTP ${response.status}`;
    const description = typeof answer.error_description === 'string' && answer.error_description !== '' ? `: ${answer.error_description}` : '';
    throw new CliError(EXIT.REFUSED_BY_RECEIVER, `${where.method} failed with ${code}${description} (HTTP ${response.status}).`);
  }
  io.stdout.write(`${JSON.stringify(parsed.values.raw ? answer : answer.result, null, 2)}\n`);
  if (!parsed.values.raw && (answer.next !== undefined || answer.total !== undefined)) {
    io.stderr.write(`total: ${answer.total ?? '?'}${answer.next !== undefined ? `, next page: start=${answer.next}` : ''}\n`);
  }
  return EXIT.OK;
}
