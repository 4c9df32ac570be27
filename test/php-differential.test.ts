import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { B24HookError, encodeForm, parseForm, type FormLimits } from '@b24hooks/core';
import { createRandom, generateValue, type JsonObject } from './php/generate.js';
import { startPhpOracle, type OracleAnswer, type PhpOracle } from './php/oracle.js';

/**
 * parseForm and encodeForm against PHP itself: for generated values x, encodeForm(x) is
 * http_build_query(x) byte for byte, parseForm of that body is parse_str's result (as json_encode
 * prints it), and encodeForm of the parsed result is http_build_query of it again. Raw bodies that
 * no encoder writes go straight to parse_str. Without PHP every test here fails; none is skipped.
 */

const CASES = Number(process.env.B24HOOKS_PHP_CASES ?? 2000);
const SEED = Number(process.env.B24HOOKS_PHP_SEED ?? 20240611);
const BATCH = 250;
/** PHP's own limits (max_input_nesting_level 64, max_input_vars as the oracle runs it), not b24hooks' defaults. */
const PHP_LIMITS: FormLimits = { maxDepth: 64, maxParams: 100_000, maxBodyBytes: 256 * 1024 * 1024 };

let started: Promise<PhpOracle> | undefined;
const oracle = (): Promise<PhpOracle> => (started ??= startPhpOracle());

afterAll(async () => {
  const php = await started?.catch(() => undefined);
  await php?.close();
});

type Outcome = { ok: true; result: unknown } | { ok: false; error: unknown };

function ours(body: string | Uint8Array): Outcome {
  try {
    return { ok: true, result: parseForm(body, PHP_LIMITS) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Why parseForm's outcome differs from parse_str's, or undefined when they agree. */
function parseMismatch(mine: Outcome, php: OracleAnswer<unknown>): string | undefined {
  if (php.ok && mine.ok) return isDeepStrictEqual(mine.result, php.result) ? undefined : 'different result';
  if (php.ok && !mine.ok) return `parseForm threw where PHP parsed: ${String(mine.error)}`;
  if (!php.ok && mine.ok) return `PHP refused (${php.error}) where parseForm parsed`;
  const error = (mine as { error: unknown }).error;
  return error instanceof B24HookError && error.code === 'MALFORMED_BODY' ? undefined : `parseForm threw ${String(error)}`;
}

const clip = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
};

describe('PHP differential', () => {
  it('runs against a real PHP', async () => {
    const php = await oracle();
    expect(php.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it(
    `agrees with http_build_query and parse_str on ${CASES} generated values (seed ${SEED})`,
    async () => {
      const php = await oracle();
      const random = createRandom(SEED);
      const mismatches: string[] = [];
      // Generated batch by batch: 100,000 values at once would hold gigabytes.
      for (let from = 0; from < CASES && mismatches.length < 5; from += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, CASES - from) }, () => generateValue(random));
        mismatches.push(...(await checkBatch(php, batch, from)));
      }
      expect(mismatches.slice(0, 5).join('\n\n')).toBe('');
    },
    Math.max(60_000, CASES * 10),
  );

  async function checkBatch(php: PhpOracle, values: JsonObject[], offset: number): Promise<string[]> {
    const mismatches: string[] = [];
    const phpBodies = await php.encode(values);
    const bodies = phpBodies.map((answer, i) => {
      if (!answer.ok) throw new Error(`PHP could not encode value ${offset + i}: ${answer.error}`);
      return answer.result;
    });
    const parsedByPhp = await php.parse(bodies);
    const parsedByUs = bodies.map(ours);
    const reencodable = parsedByUs.map((outcome) => (outcome.ok ? (outcome.result as Record<string, unknown>) : {}));
    const reencodedByPhp = await php.encode(reencodable);

    values.forEach((value, i) => {
      const where = `value #${offset + i} (seed ${SEED}): ${clip(value)}`;
      const encoded = encodeForm(value);
      if (encoded !== bodies[i]) {
        mismatches.push(`encodeForm differs from http_build_query for ${where}\n  PHP:  ${clip(bodies[i])}\n  ours: ${clip(encoded)}`);
        return;
      }
      const why = parseMismatch(parsedByUs[i]!, parsedByPhp[i]!);
      if (why) {
        mismatches.push(`parseForm ${why} for ${where}\n  body: ${clip(bodies[i])}\n  PHP:  ${clip(parsedByPhp[i])}\n  ours: ${clip(parsedByUs[i])}`);
        return;
      }
      const again = reencodedByPhp[i]!;
      if (!again.ok || encodeForm(reencodable[i]!) !== again.result) {
        mismatches.push(`encodeForm(parseForm(body)) differs from PHP for ${where}\n  PHP:  ${clip(again)}\n  ours: ${clip(encodeForm(reencodable[i]!))}`);
      }
    });
    return mismatches;
  }
});

/** Bodies no encoder writes, sent straight to parse_str: parseForm must give what PHP gives. */
const RAW_BODIES: Record<string, string[]> = {
  'unclosed brackets': ['a[b=1', 'a[b][c=1', 'a[=1', 'a[', 'a[b', 'a[ ', '[=1', 'a[b]]=1', 'a]=1', 'a[[b]]=1', 'a[b[c]=1', 'a[ [b]=1', 'a[b][=1', 'a[][b=1', 'a.b[c d=1'],
  'dots and spaces in names': ['a.b=1', 'a b=1', 'a+b=1', ' a=1', '+a=1', '++a[b.c]=1', 'a.b[c d]=1', '.=1', ' =1', 'a%20b=1', '%2Ea=1', 'a[b].c=1', 'a. b.[c]=1'],
  '%00 in keys and values': ['a%00b=1', 'a[b%00c]=1', '%00a=1', 'a=%00', 'a=x%00y', 'a[%00]=1', 'a%00[b]=1', 'a[b]%00=1'],
  'duplicate keys': ['a=1&a=2', 'a=1&a[b]=2', 'a[b]=2&a=1', 'a[0]=x&a[1]=y&a[0]=z', 'a[b]=1&a[c]=2&a[b]=3', 'a[b]=1&a[b][c]=2&a[b][d]=3', 'a.b=1&a_b=2'],
  'appends after numeric, negative and 64-bit keys': [
    'a[]=1&a[]=2&a[]=3',
    'a[-5]=1&a[]=2',
    'a[-1]=x&a[]=y&a[]=z',
    'a[]=x&a[-3]=y&a[]=z',
    'a[3]=x&a[]=y',
    'a[05]=x&a[]=y',
    'a[-0]=x&a[]=y',
    'a[9223372036854775807]=1&a[]=2&a[x]=3',
    'a[9223372036854775806]=1&a[]=2&a[]=3&a[][b]=4',
    'a[-9223372036854775808]=1&a[]=2',
    'a[-9223372036854775809]=1&a[]=2',
    'a[9223372036854775808]=1&a[]=2',
    'a[12345678901234567]=1&a[]=2',
    'a[9007199254740993]=1&a[]=2',
    'a[ ]=1&a[+]=2&a[%20]=3',
    'a[  ]=1&a[ b]=2',
    'a[][]=1&a[][]=2',
  ],
  'stray %': ['a=100%', 'a=%', 'a=%zz', 'a=%4', 'a=%%41', '%=1', 'a%=1', 'a[%]=1', 'a=50%25&b=%2', 'a=%+20', 'a=%2%41', 'a=%G1'],
  'lists and maps': ['a[1]=x&a[0]=y', 'a[0]=x&a[2]=y', 'a[0]=x&a[1]=y', 'data[BOT][5][BOT_ID]=5&data[BOT][5][CODE]=x', '0=a&1=b', 'a[0][0]=1&a[0][1]=2&a[1]=3'],
  'everything else': [
    '',
    '&',
    '&&a=1&&',
    '=',
    '=1',
    'a',
    'a=',
    'a==b',
    'a=b=c',
    'a[b]xyz[c]=1',
    '%5B%5D=1',
    'a%5Bb%5D%5Bc%5D=1',
    'a%5b0%5d=1',
    'a=%e2%82%ac&b=%F0%9F%98%80&c=%D0%BF%D1%80%D0%B8',
    'а[б]=в&中=文',
    '\uFEFFa=1',
    'a=1;b=2',
    'a=1#x&b=2',
    'a[b][c][d][e][f][g][h]=1',
    'a[]=1&a[]=2&a[x]=3',
    'a=%0D%0A%09&b=+%2B+',
  ],
  'bytes that are not UTF-8 (PHP json_encode refuses them too)': ['a=%FF', '%FF=1', 'a=%C3', 'a=%C0%AF', 'a=%ED%A0%80', 'a=%F4%90%80%80', 'a=100%&b=%FF', 'a[%FE]=1'],
};

describe('PHP differential: raw bodies', () => {
  for (const [group, bodies] of Object.entries(RAW_BODIES)) {
    it(group, async () => {
      const answers = await (await oracle()).parse(bodies);
      const report = bodies
        .map((body, i) => ({ body, php: answers[i]!, mine: ours(body) }))
        .filter(({ php, mine }) => parseMismatch(mine, php) !== undefined)
        .map(({ body, php, mine }) => `${JSON.stringify(body)}: PHP ${clip(php)}, ours ${clip(mine)}`);
      expect(report).toEqual([]);
    });
  }

  it('raw bytes in a Uint8Array body', async () => {
    const bodies = [
      Uint8Array.from([0x61, 0x3d, 0xff]), // a=<FF>
      Uint8Array.from([0x61, 0xc3, 0x3d, 0x31]), // a<C3>=1: a cut sequence in a key
      Buffer.from('a=é&ключ=значение', 'utf8'),
      Buffer.from('\uFEFFa[b]=1', 'utf8'),
    ];
    const answers = await (await oracle()).parse(bodies);
    expect(bodies.map((body, i) => parseMismatch(ours(body), answers[i]!))).toEqual([undefined, undefined, undefined, undefined]);
  });
});

/**
 * Where b24hooks refuses what PHP accepts, on purpose: DESIGN asks for no prototype keys, and to
 * fail closed on bytes that are not UTF-8 and on bodies no encoder writes. PHP's answer is pinned
 * too, so a change on either side shows up here.
 */
describe('PHP differential: deliberate refusals', () => {
  // PHP's result as JSON text: an object literal cannot hold an own "__proto__" key.
  const refused: [body: string, phpJson: string][] = [
    ['__proto__=1', '{"__proto__":"1"}'],
    ['a[constructor]=1', '{"a":{"constructor":"1"}}'],
    ['a[b][prototype][c]=1', '{"a":{"b":{"prototype":{"c":"1"}}}}'],
    ['_[proto__=1', '{"__proto__":"1"}'], // an unclosed bracket folds into the name
    ['a=1\u0000&b=2', '{"a":"1"}'], // parse_str stops at a raw NUL
    ['a%00%FF=1', '{"a":"1"}'], // the bad byte is cut off with the NUL
    ['a[b]x%FF=1', '{"a":{"b":"1"}}'], // ... or ignored after the closing bracket
    ['[%FF]=1', '{}'], // ... or in a name PHP drops
  ];

  it.each(refused)('%j', async (body, phpJson) => {
    const [php] = await (await oracle()).parse([body]);
    expect(php?.ok && JSON.stringify(php.result)).toBe(phpJson);
    expect(() => parseForm(body)).toThrow(expect.objectContaining({ code: 'MALFORMED_BODY', status: 400 }));
  });
});
