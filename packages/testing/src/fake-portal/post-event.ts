import { encodeForm } from '@b24hooks/core';
import { buildEventBody } from '../build.js';
import { postBody, type SendResult } from '../send.js';
import { randomHex } from './tokens.js';
import type { FakePortal, PostEventOptions, PostRobotCallOptions } from './types.js';

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

/** Posts a business-process robot (or activity) call from this portal, as Bitrix24 encodes it. */
export async function postPortalRobotCall(portal: FakePortal, url: string | URL, options: PostRobotCallOptions): Promise<SendResult> {
  if (typeof options?.code !== 'string' || options.code === '') throw new TypeError('postRobotCall needs the robot\'s code.');
  const oauth = options.oauth !== false;
  const auth = { ...portal.eventAuth({ oauth, ...(options.token !== undefined ? { token: options.token } : {}) }), ...options.auth };
  const body = encodeForm({
    workflow_id: options.workflowId ?? `${randomHex(12)}.${randomHex(6)}`,
    code: options.code,
    document_id: options.document ?? ['crm', 'CCrmDocumentDeal', 'DEAL_1'],
    document_type: options.documentType ?? ['crm', 'CCrmDocumentDeal', 'DEAL'],
    event_token: options.eventToken ?? `${randomHex(12)}|${options.code}|${randomHex(16)}`,
    properties: options.properties ?? {},
    use_subscription: options.useSubscription === false ? 'N' : 'Y',
    timeout_duration: options.timeoutDuration ?? 0,
    ts: Math.floor(Date.now() / 1000),
    auth: Object.fromEntries(Object.entries(auth).filter(([, value]) => value !== null && value !== undefined)),
  });
  return postBody(url, body, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
}
