import { buildEventBody } from '../build.js';
import { postBody, type SendResult } from '../send.js';
import type { FakePortal, PostEventOptions } from './types.js';

/** A delivery from this portal, encoded as Bitrix24 encodes it, POSTed to `url`. */
export async function postPortalEvent(portal: FakePortal, url: string | URL, name: string, options: PostEventOptions = {}): Promise<SendResult> {
  const oauth = options.oauth !== false;
  const auth = { ...portal.eventAuth({ oauth, ...(options.token !== undefined ? { token: options.token } : {}) }), ...options.auth };
  const body = buildEventBody(name, {
    ...(options.data !== undefined ? { data: options.data as never } : {}),
    oauth,
    portal: { domain: portal.domain, memberId: portal.memberId, clientEndpoint: portal.clientEndpoint, serverEndpoint: portal.serverEndpoint },
    token: options.token ?? portal.applicationToken,
    ts: Math.floor(Date.now() / 1000),
    auth,
  });
  return postBody(url, body, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
}
