import { decodeComponent } from '../form/decode.js';

/** What a body says about who sent it, read without building the tree. */
export interface Credentials {
  memberId?: string;
  token?: string;
  /** Read on demand (only a refusal needs it); the last one, as PHP keeps it. */
  readonly event: string | undefined;
  /**
   * False when the parse might read these fields under another spelling than the one scanned
   * (`auth[application_token]` raw, `%5b`, an escaped letter, a leading space, a NUL or junk after
   * the bracket: PHP reads them all alike). Only a certain scan may refuse. Read on demand.
   */
  readonly certain: boolean;
}

/**
 * Anything that could make PHP's parse see `auth[…]` or `event` where the scan does not: raw
 * brackets, escapes of NUL, `_`, lower-case letters (and whatever is near them), lower-case `%5b`
 * and `%5d`, a key that starts with a space, or a bracket followed by something else than `=`.
 */
const OTHER_SPELLING = /[[\]]|%(?:00|5[Fbdf]|[67][0-9A-Fa-f])|(?:^|&)(?:\+|%20)|(?:application_token|member_id)%5D[^=&]/;

/**
 * Reads `auth[member_id]` and `auth[application_token]` (and, when asked, `event`) straight from a
 * raw body, as Bitrix24 writes them (brackets percent-encoded), so a forged request costs a scan
 * instead of a parse. It only ever serves to refuse early: acceptance always re-checks the parsed
 * body, and a scan that is not `certain` refuses nothing.
 */
export function scanCredentials(body: string): Credentials {
  let event: string | undefined | null = null;
  let certain: boolean | null = null;
  const credentials: Credentials = {
    get event() {
      if (event === null) event = lastValue(body, 'event=');
      return event;
    },
    get certain() {
      certain ??= !OTHER_SPELLING.test(body);
      return certain;
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

function valueAt(body: string, start: number): string | undefined {
  const end = body.indexOf('&', start);
  try {
    return decodeComponent(body.slice(start, end === -1 ? undefined : end));
  } catch {
    return undefined;
  }
}
