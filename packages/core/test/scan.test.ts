import { describe, expect, it } from 'vitest';
import { parseForm, scanCredentials } from '../src/index.js';
import { scanAuth, scanAuthBytes } from '../src/verify/scan.js';

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

  it('gives up (reads nothing) past maxParams keys that need decoding, and only then', () => {
    const undecided = 'auth%5Bapplication_token%5&';
    const body = `${undecided.repeat(10)}auth%5Bmember_id%5D=m&auth%5Bapplication_token%5D=t`;
    expect(scanCredentials(body, 10)).toEqual({ memberId: 'm', token: 't' });
    expect(scanCredentials(body, 9)).toEqual({});
    expect(scanAuth(`${undecided.repeat(10)}a=1`, 9)).toEqual({});
    // Keys decided on their raw text cost no decoding and count for nothing, however many.
    const cheap = `${'auth%5Bdomain%5D=x&p=1&'.repeat(50)}auth%5Bmember_id%5D=m&auth%5Bapplication_token%5D=t`;
    expect(scanCredentials(cheap, 1)).toEqual({ memberId: 'm', token: 't' });
    expect(scanAuth(cheap, 1)).toEqual({ memberId: 'm', token: 't' });
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

/** What scanAuth promises: scanCredentials' token and member id, without the event. */
function authOf(body: string): { token?: string; memberId?: string } {
  const { token, memberId } = scanCredentials(body);
  const out: { token?: string; memberId?: string } = {};
  if (token !== undefined) out.token = token;
  if (memberId !== undefined) out.memberId = memberId;
  return out;
}

function expectTailScanAgrees(body: string): void {
  const whole = authOf(body);
  expect(scanAuth(body), body).toEqual(whole);
  const fromBytes = scanAuthBytes(Buffer.from(body, 'utf8'));
  // Undefined only when the bytes hold no anchor pair; then the caller scans the whole text.
  if (fromBytes !== undefined) expect(fromBytes, body).toEqual(whole);
  else expect(/(^|&)auth%5Bapplication_token%5D=/.test(body) && /(^|&)auth%5Bmember_id%5D=/.test(body), body).toBe(false);
}

const TOKEN_PAIR = 'auth%5Bapplication_token%5D=t1';
const MEMBER_PAIR = 'auth%5Bmember_id%5D=m1';

describe('scanAuth (from the canonical anchors on)', () => {
  it('reads what the whole scan and the parse read, whichever spelling comes before or after an anchor', () => {
    for (const key of KEYS) {
      for (const body of [
        // A spelling after both anchors decides; one before them is overridden.
        `${MEMBER_PAIR}&${TOKEN_PAIR}&${key}=v2`,
        `${key}=v0&${MEMBER_PAIR}&${TOKEN_PAIR}`,
        `${key}=v0&${MEMBER_PAIR}&${key}=v1&${TOKEN_PAIR}&x=1`,
        // The token's anchor first, or only one anchor: the scan starts earlier, or at the start.
        `${TOKEN_PAIR}&${key}=v1&${MEMBER_PAIR}`,
        `${key}=v0&${TOKEN_PAIR}`,
        `${MEMBER_PAIR}&${key}=v1`,
        `event=E&data%5BX%5D=%D0%96&${key}&${MEMBER_PAIR}&${TOKEN_PAIR}&${key}`,
      ]) {
        expectTailScanAgrees(body);
        // Where PHP reads a string (not a nested array), it is what the tail scan read.
        const { token, memberId } = parsed(body);
        if (typeof token === 'string') expect(scanAuth(body).token, body).toBe(token);
        if (typeof memberId === 'string') expect(scanAuth(body).memberId, body).toBe(memberId);
      }
    }
  });

  it('takes only pair starts as anchors, and the body start as one', () => {
    for (const body of [
      `x${MEMBER_PAIR}&x${TOKEN_PAIR}&auth[member_id]=m2&auth[application_token]=t2`,
      `${MEMBER_PAIR}&${TOKEN_PAIR}`,
      `${TOKEN_PAIR}&${MEMBER_PAIR}`,
      `data=x%26${MEMBER_PAIR}&${TOKEN_PAIR}`,
      `&&${MEMBER_PAIR}&&&${TOKEN_PAIR}&&`,
      `auth%5Bmember_id%5D&${TOKEN_PAIR}&auth%5Bmember_id%5D`,
      `auth%5Bapplication_token%5D%5B%5D=x&${MEMBER_PAIR}&${TOKEN_PAIR}&auth%5Bapplication_token%5D%5B%5D=y`,
      `auth=flat&${MEMBER_PAIR}&${TOKEN_PAIR}&auth=flat`,
      `ts=1&data%5BBOT%5D%5B5%5D%5BAUTH%5D%5Bmember_id%5D=bot&${MEMBER_PAIR}&${TOKEN_PAIR}`,
    ]) {
      expectTailScanAgrees(body);
    }
    expect(scanAuth(`x${MEMBER_PAIR}&x${TOKEN_PAIR}&auth[member_id]=m2&auth[application_token]=t2`)).toEqual({ memberId: 'm2', token: 't2' });
  });

  it('reads the same across the window where anchors are looked for first (the last 1,024 characters)', () => {
    const long = `x=${'a'.repeat(1500)}`;
    for (const key of ['auth%5Bm%65mber_id%5D', 'auth[application_token]', 'auth%5Bmember_id%5D', 'auth%5Bapplication_token%5D', 'x']) {
      for (const body of [
        `${MEMBER_PAIR}&${TOKEN_PAIR}&${long}&${key}=v1`,
        `${MEMBER_PAIR}&${long}&${TOKEN_PAIR}&${key}=v1&${long}`,
        `${MEMBER_PAIR}&${TOKEN_PAIR}&${long}&auth%5Bmember_id%5D=m2&${key}=v1&${long}&${key}=v2`,
        `${long}&${MEMBER_PAIR}&${key}=v1&${TOKEN_PAIR}&${long}&${key}=v2&auth%5Bapplication_token%5D=t2`,
        `${key}=v0&${long}&${MEMBER_PAIR}&${'b=1&'.repeat(300)}${TOKEN_PAIR}`,
      ]) {
        expectTailScanAgrees(body);
      }
    }
  });

  it('agrees with the whole scan on generated bodies, multi-byte text before the anchors included', () => {
    let state = 15;
    const rand = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const pairs = [...KEYS.map((key) => `${key}=k`), TOKEN_PAIR, MEMBER_PAIR, 'auth%5Bapplication_token%5D=t2', 'auth%5Bmember_id%5D=m2', 'data%5BT%5D=%D0%96+%F0%9F%91%8B', 'msg=Жé👋', ''];
    // Values that do not decode: the anchor's pair sets no string, and an earlier one must not win.
    pairs.push('auth%5Bapplication_token%5D=%E0', 'auth%5Bmember_id%5D=%FF');
    // Long enough that anchors fall on either side of the window searched first.
    pairs.push(`y=${'b'.repeat(700)}`);
    for (let i = 0; i < 3000; i++) {
      const body = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => pick(pairs)).join('&');
      expectTailScanAgrees(body);
    }
  });
});
