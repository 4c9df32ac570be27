/**
 * Against real PHP, what a hostile caller's bodies exercise. First, the pre-parse token scan reads auth[application_token], auth[member_id] and event as PHP's
 * parse_str does, under every spelling, last one winning: for generated respellings (escapes in
 * either case, raw brackets, leading spaces, NUL and junk after the key, nesting, repeats), what
 * the scan reads equals what PHP reads whenever PHP reads a string. A scan that disagreed could
 * refuse a delivery the parse accepts. Second, the fast paths that keep pathological bodies
 * linear (bench/hostile.bench.js) give what parse_str gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseForm, scanCredentials } from '@b24hooks/core';
import { scanAuth, scanAuthBytes } from '../packages/core/src/verify/scan.js';
import { startPhpOracle, type PhpOracle } from './php/oracle.js';

const CASES = Number(process.env.B24HOOKS_PHP_SCAN_CASES ?? 1500);
let state = 20261201;
const rand = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const hex = (code: number, lower: boolean) => {
  const text = code.toString(16).padStart(2, '0');
  return `%${lower ? text : text.toUpperCase()}`;
};

/** One character of a key, as some encoder or forger might write it. */
function spellChar(char: string): string {
  const code = char.charCodeAt(0);
  const roll = rand();
  if (char === '[' || char === ']') return roll < 0.5 ? hex(code, false) : roll < 0.75 ? char : hex(code, true);
  return roll < 0.8 ? char : hex(code, roll < 0.9);
}

function spellKey(key: string): string {
  let out = [...key].map(spellChar).join('');
  if (rand() < 0.15) out = pick(['+', '%20', '++', ' ', '%20+']) + out;
  if (rand() < 0.1) out += pick(['%00junk', 'x', '%5Bnested%5D', ']', 'é', '%D0%96']);
  if (rand() < 0.05) out = out.replace('[', '.');
  return out;
}

const value = () => pick(['genuine-token', 'forged', '', 'a+b', '%41', 'x%5By', '0123456789abcdef', 'Ж']);
const KEYS = ['auth[application_token]', 'auth[member_id]', 'event'];
const FILLER = ['data%5BFIELDS%5D%5BID%5D=1', 'ts=1', 'auth%5Bdomain%5D=a.bitrix24.com', 'event_handler_id=3', 'authx=1', 'eventx=2'];

function body(): string {
  const pairs: string[] = [];
  for (let i = 1 + Math.floor(rand() * 6); i > 0; i--) {
    pairs.push(rand() < 0.3 ? pick(FILLER) : `${spellKey(pick(KEYS))}=${value()}`);
  }
  if (rand() < 0.05) pairs.push(pick(['auth=flat', 'auth%5B%5D=x', 'auth%5Bapplication_token%5D%5B%5D=x']));
  return pairs.join('&');
}

let php: PhpOracle;
beforeAll(async () => {
  php = await startPhpOracle();
});
afterAll(async () => {
  await php?.close();
});

describe(`the token scan agrees with PHP's parse_str (${CASES} bodies)`, () => {
  it('reads the same token, member id and event whenever PHP reads a string', async () => {
    const bodies = Array.from({ length: CASES }, body);
    const answers = await php.parse(bodies);
    let compared = 0;
    bodies.forEach((text, index) => {
      const answer = answers[index]!;
      if (!answer.ok) return;
      const parsed = answer.result as { auth?: unknown; event?: unknown };
      const auth = parsed.auth !== null && typeof parsed.auth === 'object' ? (parsed.auth as Record<string, unknown>) : {};
      const scanned = scanCredentials(text);
      const context = `body ${JSON.stringify(text)}`;
      if (typeof auth.application_token === 'string') expect(scanned.token, context).toBe(auth.application_token);
      if (typeof auth.member_id === 'string') expect(scanned.memberId, context).toBe(auth.member_id);
      if (typeof parsed.event === 'string') expect(scanned.event, context).toBe(parsed.event);
      compared++;
    });
    expect(compared).toBeGreaterThan(CASES / 2);
  });
});

describe(`the tail scan from the canonical anchors agrees with PHP's parse_str (${CASES} bodies)`, () => {
  it('reads the same token and member id, from text and from bytes, whenever PHP reads a string', async () => {
    // Each body ends in canonical anchors half the time, so the tail scan starts inside it.
    const bodies = Array.from({ length: CASES }, () => (rand() < 0.5 ? `${body()}&auth%5Bmember_id%5D=m&auth%5Bapplication_token%5D=t&${body()}` : body()));
    const answers = await php.parse(bodies);
    let compared = 0;
    bodies.forEach((text, index) => {
      const answer = answers[index]!;
      if (!answer.ok) return;
      const parsed = answer.result as { auth?: unknown };
      const auth = parsed.auth !== null && typeof parsed.auth === 'object' ? (parsed.auth as Record<string, unknown>) : {};
      const context = `body ${JSON.stringify(text)}`;
      for (const scanned of [scanAuth(text), scanAuthBytes(Buffer.from(text, 'utf8')) ?? scanAuth(text)]) {
        if (typeof auth.application_token === 'string') expect(scanned.token, context).toBe(auth.application_token);
        if (typeof auth.member_id === 'string') expect(scanned.memberId, context).toBe(auth.member_id);
      }
      compared++;
    });
    expect(compared).toBeGreaterThan(CASES / 2);
  });
});

/** The bodies of bench/hostile.bench.js, at 64 KB: past every threshold where a faster path takes over. */
const SIZE = 64 * 1024;
const fill = (unit: string) => unit.repeat(Math.floor(SIZE / unit.length));
const HOSTILE: Record<string, string> = {
  pluses: fill('+'),
  'pluses in a value': `a=${fill('+')}&b=1`,
  'stray escapes': fill('%'),
  'escaped brackets': `a${fill('%5B')}`,
  'escaped spaces': fill('%20'),
  'mixed escapes': fill('%C3%A9%'),
  dots: fill('.'),
  'unclosed bracket': `a${fill('[')}`,
  'empty pairs': `${fill('&')}a=1${fill('&')}`,
  equals: fill('='),
  'keys of brackets': Array.from({ length: 200 }, (_, i) => `k${i}${'['.repeat(300)}`).join('&'),
  'keys of escapes and spaces': Array.from({ length: 200 }, (_, i) => `k${i}${'%5B+.'.repeat(60)}=${'+%'.repeat(50)}`).join('&'),
  'long mangled names': Array.from({ length: 50 }, (_, i) => `${' . '.repeat(100)}${i}[x]=1`).join('&'),
  // Leading spaces of names are dropped before decoding: runs of each spelling, then what follows.
  'names after long runs of spaces': [' ', '+', '%20', '+%20 ', '%2', '%20%'].map((unit, i) => `${unit.repeat(3000)}${['', 'a', '[x]', '%00y', '.b[c]', 'd[]'][i]}=${unit.repeat(50)}`).join('&'),
  // Names that start with `+` are passed whole when deciding whether to space the body at once:
  // above and below that decision, with `+` inside the names and values too.
  'plus-led names, many pluses in values': Array.from({ length: 400 }, (_, i) => `+k+${i}+[a+b]=+x+${'+y'.repeat(i % 7)}`).join('&'),
  'plus-led names without values': Array.from({ length: 400 }, (_, i) => `++k+${i}+.${'+'.repeat(i % 5)}`).join('&') + '&v=a+b',
  // Short texts decode escapes and stray `%` in one pass; long ones take decodeURIComponent.
  'short texts with stray escapes': [
    'a%=1', 'b=%4', 'c=%zz', 'd=%%41', 'e%5=x', '%=y', 'f=100%', 'g=%4G%41', 'h%5Bx%5=1', 'i%5B%5%5D=2', 'j=%%%', 'k=%E', 'l=%41%',
    'm=%7e%7E%', `n=${'%'.repeat(70)}`, `o=${'%4'.repeat(40)}%41`, 'p%2=%2', 'q=%-1%+1',
  ].join('&'),
  'short pairs': `${fill('a&').slice(0, 20_000)}${fill('+&').slice(0, 20_000)}${fill('e=&').slice(0, 20_000)}ab&e=%20&a+=1&+a=2&%20&+&event`,
  // Keys as http_build_query writes them (registered from their raw text) and their near misses.
  'written keys and near misses': [
    'a%5Bb%5D%5Bc%5D=1', 'a%5bb%5d%5Bc%5d=2', 'a%5Bb%5D=3', 'a=4', 'a%5B%5D=5', 'a%5Bb%5D%5B%5D=6', 'a%5Bb%5Dx=7',
    'a%5Bb%5Dx%5Bc%5D=8', 'a%5Bb=9', 'a%5Bb%5=10', 'a%5Bb%5D%5B=11', 'a%5B+b%5D=12', 'a%5Bb+c%5D=13', 'a%5B%41%5D=14',
    'a%5Bb%20c%5D=15', 'x-y_1%5BZ%5D=16', 'x.y%5Bz%5D=17', 'x%5B%D0%B9%5D=18', 'x%5Bй%5D=19', 'x%5B7%5D=20',
    'x%5B0%5D=21', 'x%5B1%5D=22', 'l%5B0%5D=a', 'l%5B1%5D=b', 'm%5B1%5D=a', 'm%5B0%5D=b', 'a%5Bb%5D=24', 'a%5Bb%5D%5Bc%5D=25',
    'k%5B9223372036854775807%5D=26', 'k%5B%5D=27', 'a%5Bb%5D%5Bc%5D%5Bd%5D%5Be%5D%5Bf%5D=28', 'q%5Ba%5Bb%5D=29',
    'q%5Ba%5Db%5D=30', 'q%5Ba%5D%5D=31', 'q%5B%5Ba%5D=32', 'a%5Bb%5D=33&a=34&a%5Bb%5D=35',
  ].join('&'),
  'a long value with every escape': `v=${Array.from({ length: 256 }, (_, byte) => `%${byte.toString(16).padStart(2, '0')}`).join('').repeat(1).replace(/%[89a-f][0-9a-f]/g, '%C3%A9')}${fill('%2B+')}`,
};

describe('parseForm agrees with parse_str on the hostile bodies too', () => {
  it.each(Object.keys(HOSTILE))('%s', async (name) => {
    const body = HOSTILE[name]!;
    const [answer] = await php.parse([body]);
    expect(answer?.ok).toBe(true);
    const limits = { maxParams: 100_000, maxDepth: 100_000 };
    expect(parseForm(body, limits)).toEqual((answer as { result: unknown }).result);
  });
});
