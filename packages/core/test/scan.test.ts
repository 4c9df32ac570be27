import { describe, expect, it } from 'vitest';
import { parseForm, scanCredentials } from '../src/index.js';

/** What the parse (PHP's reading, per the PHP differential suite) says the three fields are. */
function parsed(body: string): { token?: unknown; memberId?: unknown; event?: unknown } {
  const form = parseForm(body) as { auth?: Record<string, unknown>; event?: unknown };
  const auth = form.auth !== null && typeof form.auth === 'object' && !Array.isArray(form.auth) ? form.auth : {};
  const out: { token?: unknown; memberId?: unknown; event?: unknown } = {};
  if (typeof auth.application_token === 'string') out.token = auth.application_token;
  if (typeof auth.member_id === 'string') out.memberId = auth.member_id;
  if (typeof form.event === 'string') out.event = form.event;
  return out;
}

// Keys on each side of the scan's undecoded shortcuts: spellings http_build_query writes, keys
// told apart by their first plain characters, and near misses that only decoding can settle.
const KEYS = [
  'auth%5Bapplication_token%5D',
  'auth%5Bapplication_token%5d',
  'auth%5bapplication_token%5D',
  'auth%5Bapplication_token%5Dx',
  'auth%5Bapplication_token%5D%5B%5D',
  'auth%5Bapplication_token%5D%00junk',
  'auth%5Bapp%6Cication_token%5D',
  'auth%5Bapplication_tokens%5D',
  'auth%5Bapplication%5D',
  'auth%5Baccess_token%5D',
  'auth%5Bmember_id%5D',
  'auth%5Bm%65mber_id%5D',
  'auth%5Bmember_idx%5D',
  'auth%5Bmember%5D',
  'auth%5B%20member_id%5D',
  'auth%5B+member_id%5D',
  'auth%5Bdomain%5D',
  'auth[member_id]',
  'a%75th%5Bmember_id%5D',
  'authx%5Bmember_id%5D',
  'aut',
  'auth%5B',
  'event',
  'e%76ent',
  'event%00x',
  'event_handler_id',
  'eventx',
  'even',
  '+event',
  '%20auth%5Bmember_id%5D',
  // Pairs shorter than `event`, read in place without a search.
  'a',
  'e',
  'ev',
  'eve',
  'a_9',
  'a+',
  'e%',
  'a%5B',
  'evenx',
  'abcde',
  'abcdefg',
  'abcdefgh',
  'evenT',
  '%65vent',
  '++event',
  'ev%65nt',
  'e+',
  '%',
];

describe('scanCredentials', () => {
  it.each(KEYS)('reads %s as the parse does', (key) => {
    for (const body of [`${key}=v1`, `${key}`, `${key}=`, `auth%5Bmember_id%5D=m&event=E&${key}=v2&x=1`, `${key}=v3&auth%5Bapplication_token%5D=t`]) {
      expect(scanCredentials(body), body).toEqual(parsed(body));
    }
  });

  it('reads pairs without `=` as the parse does, the last value winning', () => {
    const body = `${'auth%5Bmember_id%5D&'.repeat(500)}auth%5Bmember_id%5D=m&${'ab&'.repeat(500)}event=E&${'e&'.repeat(500)}event`;
    expect(scanCredentials(body)).toEqual(parsed(body));
    expect(scanCredentials(body)).toEqual({ memberId: 'm', event: '' });
  });

  it('reads the event among short pairs of every length, escaped or not', () => {
    for (const key of ['event', '%65vent', '+event', 'e%76ent', 'ev%65nt', '++event', '%20event']) {
      for (const filler of ['a&', 'ab&', 'abcd&', 'abcdefg&', 'e=&', 'abcde=f&']) {
        const body = `${filler.repeat(50)}${key}=E&${filler.repeat(50)}`;
        expect(scanCredentials(body), body).toEqual(parsed(body));
        expect(scanCredentials(body).event, key).toBe('E');
      }
    }
  });
});
