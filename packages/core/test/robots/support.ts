import { defineRobot, encodeForm, type B24RestCaller, type B24RestFactory } from '@b24hooks/core';
import { TS, authBlock, oauthBlock } from '../support.js';

export const EVENT_TOKEN = '55c1dc1c3f0d75.78875596|A51601_82584_96831_81132|hsyUws1j4XiwqPqN45eH66CcQtEvpUIP.47dd5d888e';

export const findDeal = defineRobot({
  code: 'find_deal',
  name: 'Find deal by phone',
  properties: {
    phone: { type: 'string', required: true },
    note: { type: 'text' },
    tries: { type: 'int' },
    ratio: { type: 'double' },
    notify: { type: 'bool' },
    due: { type: 'date' },
    at: { type: 'datetime' },
    channel: { type: 'select', options: { sms: 'SMS', mail: 'E-mail' } },
    owner: { type: 'user' },
    tags: { type: 'string', multiple: true },
    scores: { type: 'int', multiple: true },
  },
  returnProperties: { dealId: { type: 'int' }, found: { type: 'bool', required: true } },
});

export interface RobotBodyOptions {
  code?: string;
  properties?: Record<string, unknown>;
  useSubscription?: string | undefined;
  timeout?: number;
  auth?: Record<string, string>;
}

/** A robot call as PHP's http_build_query writes it, in the order Bitrix24 sends its fields. */
export function robotBody(options: RobotBodyOptions = {}): string {
  const body: Record<string, unknown> = {
    workflow_id: '67a1d3b0c2d1e4.12345678',
    code: options.code ?? 'find_deal',
    document_id: ['crm', 'CCrmDocumentDeal', 'DEAL_18'],
    document_type: ['crm', 'CCrmDocumentDeal', 'DEAL'],
    event_token: EVENT_TOKEN,
    properties: options.properties ?? { phone: '+49 30 1234567' },
  };
  if (!('useSubscription' in options)) body.use_subscription = 'Y';
  else if (options.useSubscription !== undefined) body.use_subscription = options.useSubscription;
  body.timeout_duration = options.timeout ?? 0;
  body.ts = TS;
  body.auth = options.auth ?? oauthBlock();
  return encodeForm(body);
}

export { authBlock };

/** Records what the receiver asks the portal; core has no REST client, so this is its seam. */
export function recordingRest(fail?: (method: string) => Error | undefined) {
  const calls: Array<{ method: string; params: Record<string, unknown> | undefined; memberId: string }> = [];
  const rest: B24RestFactory = (source) => {
    const client: B24RestCaller = {
      async call(method, params) {
        calls.push({ method, params, memberId: source.portal.memberId });
        const error = fail?.(method);
        if (error) throw error;
        return true;
      },
    };
    return client;
  };
  return { rest, calls };
}
