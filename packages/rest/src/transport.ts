import { B24RestError, portalError } from './errors.js';
import { errnoCode, safeCause, scrub } from './secrets.js';

export interface PostOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** The method, for messages. */
  method: string;
  /** Everything that must not leak into an error (tokens, webhook secret, client secret). */
  secrets: () => Array<string | undefined>;
  /** Where the request goes, as messages may name it (no path: the path can hold a secret). */
  host: string;
}

export interface PortalAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The reason fetch gave, reduced to words a person acts on. */
function networkFailure(error: unknown, options: PostOptions): B24RestError {
  const secrets = options.secrets();
  const cause = safeCause(error, secrets);
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') {
    return new B24RestError('TIMEOUT', `${options.method}: no answer from ${options.host} within ${options.timeoutMs} ms`, { method: options.method, cause });
  }
  const code = errnoCode(error);
  const detail = code ?? scrub(error instanceof Error ? error.message : String(error), secrets);
  return new B24RestError('NETWORK_ERROR', `${options.method}: could not reach ${options.host} (${detail})`, { method: options.method, cause });
}

function resetAt(body: Record<string, unknown>): Date | undefined {
  const time = body.time as { operating_reset_at?: unknown } | undefined;
  const at = Number(time?.operating_reset_at);
  return Number.isFinite(at) && at > 0 ? new Date(at * 1000) : undefined;
}

/**
 * POSTs a form body and reads Bitrix24's JSON answer. Resolves with a success body; rejects with
 * a `B24RestError` for an error body, a non-JSON answer, a network failure or a timeout.
 */
export async function postForm(url: string, body: string, options: PostOptions): Promise<PortalAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw networkFailure(error, options);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new B24RestError('BAD_RESPONSE', `${options.method}: ${options.host} answered HTTP ${response.status} without a JSON object; is this a Bitrix24 REST endpoint?`, {
      status: response.status,
      method: options.method,
    });
  }
  const answer = parsed as Record<string, unknown>;
  if ('error' in answer || response.status >= 400) {
    const code = typeof answer.error === 'string' ? answer.error : '';
    const description = typeof answer.error_description === 'string' ? scrub(answer.error_description, options.secrets()) : '';
    throw portalError(options.method, response.status, code, description, resetAt(answer));
  }
  return { status: response.status, body: answer };
}
