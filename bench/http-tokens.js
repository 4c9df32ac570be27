// The token checks of the bench servers that do not use b24hooks: what an app writes by hand, and
// the least body work that still tells a forged call (the ceilings' floor of body handling).
import { timingSafeEqual } from 'node:crypto';
import { TOKEN } from './http-harness.js';

const expected = Buffer.from(TOKEN);

/** The compare an app writes by hand: constant time, after checking the length. */
export function tokenMatches(body) {
  const token = body?.auth?.application_token;
  if (typeof token !== 'string') return false;
  const delivered = Buffer.from(token);
  return delivered.length === expected.length && timingSafeEqual(delivered, expected);
}

const tokenPair = Buffer.from(`auth%5Bapplication_token%5D=${TOKEN}`);

/** Not a real check (it ignores where the pair stands): the raw bytes read and searched, nothing parsed. */
export async function carriesToken(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).includes(tokenPair);
}

export const refused = { error: { code: 'TOKEN_MISMATCH', message: 'wrong token' } };
