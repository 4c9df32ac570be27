import { urlencode } from '@b24hooks/core';
import { FORM_CONTENT_TYPE, checkUrl, postBody } from '../send.js';
import { CliError, EXIT, EXIT_CODES_HELP, onlyPositional, readCommand, report, requireUrl, timeoutOf, type CliIO } from './shared.js';

export const REPLAY_HELP = `Usage: b24hooks replay <file> --url <url> [options]

Posts a captured delivery again, byte for byte. A raw form body (what Bitrix24 posted, e.g. saved
from your server's log) is sent as application/x-www-form-urlencoded; a JSON file (name ending in
.json, or content starting with "{") is sent as application/json, which receivers accept too.
Trailing line breaks of a form body are dropped (an editor's newline would end up in the token).

  <file>                  the captured body; - reads standard input
  --url <url>             where your receiver listens, e.g. http://localhost:3000/b24
  --token <token>         replace auth[application_token] (a production capture carries the
                          production token; give the one your local receiver expects)
  --content-type <type>   send with this Content-Type instead of the detected one
  --timeout <ms>          give up waiting after this long (default 10000)
  -h, --help              this help

Example:
  b24hooks replay captured-deal-update.txt --url http://localhost:3000/b24 --token "$TOKEN"

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  'content-type': { type: 'string' },
  timeout: { type: 'string' },
} as const;

const FORM_TOKEN = /(^|&)(auth(?:%5B|\[)application_token(?:%5D|\]))=[^&]*/i;

function replaceFormToken(body: string, token: string): string {
  const value = urlencode(token);
  if (FORM_TOKEN.test(body)) return body.replace(FORM_TOKEN, (_, start: string, key: string) => `${start}${key}=${value}`);
  return `${body}${body ? '&' : ''}auth%5Bapplication_token%5D=${value}`;
}

function replaceJsonToken(body: Record<string, unknown>, token: string): Record<string, unknown> {
  const auth = body.auth !== null && typeof body.auth === 'object' && !Array.isArray(body.auth) ? body.auth : {};
  return { ...body, auth: { ...auth, application_token: token } };
}

function parseJsonFile(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.BAD_FILE, `${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError(EXIT.BAD_FILE, `${file} holds JSON but not an object; a delivery is an object (event, data, ts, auth).`);
  }
  return value as Record<string, unknown>;
}

async function readCapture(io: CliIO, file: string): Promise<string> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await io.readFile(file));
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(EXIT.BAD_FILE, `Cannot read ${file === '-' ? 'standard input' : file}: ${reason}`);
  }
}

export async function replay(args: string[], io: CliIO): Promise<number> {
  const parsed = readCommand({ name: 'replay', options: OPTIONS, help: REPLAY_HELP }, args, io);
  if (parsed === undefined) return EXIT.OK;
  const { values, positionals } = parsed;
  const file = onlyPositional(positionals, 'replay', 'Name the file that holds the captured body (- for standard input).');
  const url = checkUrl(requireUrl(values.url, 'replay'));
  const text = await readCapture(io, file);
  const json = file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  let body: string;
  if (json) {
    const parsed = parseJsonFile(text, file);
    body = values.token === undefined ? text : JSON.stringify(replaceJsonToken(parsed, values.token));
  } else {
    const form = text.replace(/[\r\n]+$/, '');
    body = values.token === undefined ? form : replaceFormToken(form, values.token);
  }
  const contentType = values['content-type'] ?? (json ? 'application/json' : FORM_CONTENT_TYPE);
  return report(io, await postBody(url, body, { contentType, timeoutMs: timeoutOf(values.timeout, 'replay') ?? 10_000 }));
}
