import { checkEndpoint } from './endpoint.js';

export interface WebhookUrl {
  /** `https://<host>/rest/<user>/<secret>/`: the base every method is appended to. */
  base: string;
  origin: string;
  host: string;
  userId: string;
  secret: string;
  /** A method named in the URL (`…/crm.contact.get.json`), without `.json`. */
  method?: string;
  /** Parameters given in the URL's query (`?ID=42`). */
  query: URLSearchParams;
}

const SHAPE = 'https://<portal>/rest/<user id>/<secret>/';

/**
 * Reads an incoming webhook URL: `https://<host>/rest/<user id>/<secret>/`, with or without a
 * trailing method and `.json`. Anything else is a `TypeError` that does not repeat the URL.
 */
export function parseWebhookUrl(url: string, allowInsecureHttp = false): WebhookUrl {
  if (typeof url !== 'string' || url === '') {
    throw new TypeError(`webhook must be the incoming webhook URL Bitrix24 showed (${SHAPE}); it is ${url === '' ? 'empty' : typeof url}.`);
  }
  const parsed = checkEndpoint(url, 'The webhook URL', allowInsecureHttp);
  const parts = parsed.pathname.split('/');
  // ['', 'rest', user, secret, method?, '']
  const [lead, rest, userId, secret, method, ...extra] = parts;
  const methodOk = method === undefined || method === '' || /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.json)?$/i.test(method);
  const extraOk = extra.length === 0 || (extra.length === 1 && extra[0] === '');
  if (
    lead !== '' || rest !== 'rest' || !userId || !/^\d+$/.test(userId) || !secret || !/^[A-Za-z0-9_-]+$/.test(secret) || !methodOk || !extraOk ||
    parsed.username !== '' || parsed.password !== '' || parsed.hash !== ''
  ) {
    throw new TypeError(`The webhook URL for ${parsed.host} is not an incoming webhook URL; it must look like ${SHAPE}, optionally followed by a method such as crm.contact.get.json.`);
  }
  const base = `${parsed.origin}/rest/${userId}/${secret}/`;
  const result: WebhookUrl = { base, origin: parsed.origin, host: parsed.host, userId, secret, query: parsed.searchParams };
  if (method) result.method = method.replace(/\.json$/i, '');
  return result;
}
