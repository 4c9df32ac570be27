import { buildEventBody, type BuildEventOptions, type BuildableEventName } from './build.js';
import { B24TestingError } from './errors.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SendOptions {
  /** Content-Type of the body; default `application/x-www-form-urlencoded`, as Bitrix24 sends. */
  contentType?: string;
  /** More request headers. */
  headers?: Record<string, string>;
  /** Give up after this many milliseconds (a `NETWORK` error); default 10,000. */
  timeoutMs?: number;
  /** Another `fetch` (e.g. one bound to a test server); default the global one. */
  fetch?: typeof fetch;
}

export interface SendResult {
  status: number;
  /** The response body: parsed when it is JSON, else its text. */
  body: unknown;
  /** The response body as text. */
  text: string;
  headers: Headers;
}

/** The URL, or `BAD_URL` when it is not an absolute http(s) URL. */
export function checkUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new B24TestingError('BAD_URL', `"${String(url)}" is not a URL; give an absolute one such as http://localhost:3000/b24.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new B24TestingError('BAD_URL', `"${String(url)}" is not an http or https URL; Bitrix24 posts events over HTTP(S).`);
  }
  return parsed;
}

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  // Node tries every address of a name (happy eyeballs) and reports all failures together.
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return errorCode(cause);
}

function innermost(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause === undefined ? error : innermost(cause);
}

function sendFailure(error: unknown, url: URL, timeoutMs: number): B24TestingError {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new B24TestingError('NETWORK', `No answer from ${url.href} within ${timeoutMs} ms.`, { cause: error });
  }
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') {
    return new B24TestingError('CONNECTION_REFUSED', `Nothing accepts connections at ${url.host}: is your server running, on that port?`, { cause: error });
  }
  const root = innermost(error);
  const reason = root instanceof Error ? root.message : String(root);
  if (reason === 'bad port') {
    // fetch refuses the ports browsers block (1, 22, 25, ...), before any connection.
    return new B24TestingError('BAD_URL', `fetch does not connect to port ${url.port} (a blocked port); use another port.`, { cause: error });
  }
  const detail = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `the host ${url.hostname} was not found` : (code ?? reason);
  return new B24TestingError('NETWORK', `Could not post to ${url.href}: ${detail}.`, { cause: error });
}

/** POSTs a ready body (a captured delivery, a JSON event) and returns the answer. */
export async function postBody(url: string | URL, body: string | Uint8Array, options: SendOptions = {}): Promise<SendResult> {
  const target = checkUrl(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(target, {
      method: 'POST',
      headers: { 'content-type': options.contentType ?? FORM_CONTENT_TYPE, ...options.headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw sendFailure(error, target, timeoutMs);
  }
  let parsed: unknown = text;
  if (/\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // Keep the text: the server said JSON but sent something else.
    }
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/**
 * Builds the delivery of `name` (see `buildEventBody`) and POSTs it to `url` as Bitrix24 would:
 * `Content-Type: application/x-www-form-urlencoded`. Resolves with the answer whatever its status;
 * rejects with a `B24TestingError` (`UNKNOWN_EVENT`, `BAD_URL`, `CONNECTION_REFUSED`, `NETWORK`).
 */
export async function sendEvent<const N extends BuildableEventName>(
  url: string | URL,
  name: N,
  options: BuildEventOptions<N> & SendOptions = {},
): Promise<SendResult> {
  checkUrl(url);
  return postBody(url, buildEventBody(name, options), options);
}
