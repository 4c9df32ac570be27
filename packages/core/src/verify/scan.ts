import { decodeComponent } from '../form/decode.js';

/** What a body says about who sent it, read without building the tree. */
export interface Credentials {
  memberId?: string;
  token?: string;
  /**
   * Read on demand (only a refusal needs it), and from the front, where Bitrix24 writes it: a body
   * that names its event twice may be refused early on the first name, never accepted on it.
   */
  readonly event: string | undefined;
}

/**
 * Reads `auth[member_id]` and `auth[application_token]` (and, when asked, `event`) straight from a
 * raw body, as Bitrix24 writes them (brackets percent-encoded), so a forged request costs a scan
 * instead of a parse. It only ever serves to refuse early: acceptance always re-checks the parsed
 * body.
 */
export function scanCredentials(body: string): Credentials {
  let event: string | undefined | null = null;
  const credentials: Credentials = {
    get event() {
      if (event === null) event = firstValue(body, 'event=');
      return event;
    },
  };
  const memberId = lastValue(body, 'auth%5Bmember_id%5D=');
  if (memberId !== undefined) credentials.memberId = memberId;
  const token = lastValue(body, 'auth%5Bapplication_token%5D=');
  if (token !== undefined) credentials.token = token;
  return credentials;
}

/** The value of the last pair whose key is exactly `prefix` (PHP keeps the last of duplicates). */
export function lastValue(body: string, prefix: string): string | undefined {
  let at = body.lastIndexOf(prefix);
  while (at > 0 && body.charCodeAt(at - 1) !== 0x26) at = body.lastIndexOf(prefix, at - 1);
  return at === -1 ? undefined : valueAt(body, at + prefix.length);
}

/** The value of the first pair whose key is exactly `prefix`. */
function firstValue(body: string, prefix: string): string | undefined {
  let at = body.indexOf(prefix);
  while (at > 0 && body.charCodeAt(at - 1) !== 0x26) at = body.indexOf(prefix, at + 1);
  return at === -1 ? undefined : valueAt(body, at + prefix.length);
}

function valueAt(body: string, start: number): string | undefined {
  const end = body.indexOf('&', start);
  try {
    return decodeComponent(body.slice(start, end === -1 ? undefined : end));
  } catch {
    return undefined;
  }
}
