// The service's automation robot: Bitrix24 calls it from a deal's stage, waits for its answer and
// puts the return values into the deal's workflow. defineRobot is both what registerRobots tells
// the portal and what types the handler; the handler's return value goes back with
// bizproc.event.send (createReceiver({ rest })).
import { defineRobot } from '@b24hooks/core';

export const discountRobot = defineRobot({
  code: 'deal_discount',
  name: { en: 'Compute the discount', de: 'Rabatt berechnen' },
  description: 'Suggests a discount for the deal amount and says whether a manager must approve it.',
  properties: {
    amount: { type: 'double', required: true, name: 'Deal amount' },
    vip: { type: 'bool', name: 'VIP customer', default: false },
    note: { type: 'text', name: 'Note for the log' },
  },
  returnProperties: {
    discount: { type: 'double', name: 'Discount, %' },
    needsApproval: { type: 'bool', name: 'Needs approval' },
  },
  documentType: ['crm', 'CCrmDocumentDeal', 'DEAL'],
});

/** The business rule: 5 % for VIPs, 10 % above 10,000; over 5 % a manager approves. */
export function answerRobots(receiver, log) {
  receiver.onRobot(discountRobot, (call) => {
    const { amount, vip = false } = call.properties;
    const discount = (vip ? 5 : 0) + (amount > 10_000 ? 10 : 0);
    log(`robot ${call.code} on ${call.document.id}: amount ${amount}${vip ? ', VIP' : ''} → discount ${discount} %`);
    return { discount, needsApproval: discount > 5 };
  });
}
