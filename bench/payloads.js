// Realistic Bitrix24 deliveries, encoded as PHP's http_build_query writes them (encodeForm is
// byte-identical to it). Shared by every bench: import { PAYLOADS } from './payloads.js'.
import { encodeForm } from '@b24hooks/core';

const PORTAL = 'example-company.bitrix24.ru';

/** The auth block an application gets when a user's action caused the event. */
export function fullAuth(overrides = {}) {
  return {
    access_token: 'a5e2d85f006e8a5b00587a0a0000000100000312c6d36fa5a83d8a7f2ff5e0bb9b6b12',
    expires: '1733825012',
    expires_in: '3600',
    scope: 'crm,user,im,imbot,task,bizproc,placement',
    domain: PORTAL,
    server_endpoint: 'https://oauth.bitrix.info/rest/',
    status: 'L',
    client_endpoint: `https://${PORTAL}/rest/`,
    member_id: 'a223c5b4e3ba6b0b5d2b5f1f0a1a2b3c',
    user_id: '1',
    refresh_token: '9564ad5f006e8a5b00587a0a00000001000003127a4c1f2e8d9b3c6a5f4e2d1c0b9a87',
    application_token: 'c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4',
    client_id: 'local.65a1b2c3d4e5f6.12345678',
    ...overrides,
  };
}

/** ONCRMDEALUPDATE: one id and the full auth block (~700 B). */
export function dealUpdate() {
  return encodeForm({
    event: 'ONCRMDEALUPDATE',
    event_handler_id: '17',
    data: { FIELDS: { ID: '4821' } },
    ts: '1733821412',
    auth: fullAuth({ client_id: undefined }),
  });
}

const taskFields = (status, changedDate) => ({
  ID: '18342',
  TITLE: 'КП «Ромашка»',
  STATUS: status,
  RESPONSIBLE_ID: '17',
  DEADLINE: '2024-12-20T19:00:00+03:00',
  CHANGED_DATE: changedDate,
  ACCOMPLICES: ['23', '41'],
});

/** ONTASKUPDATE with FIELDS_BEFORE and FIELDS_AFTER (~1.7 KB). */
export function taskUpdate() {
  return encodeForm({
    event: 'ONTASKUPDATE',
    event_handler_id: '23',
    data: {
      FIELDS_BEFORE: taskFields('2', '2024-12-10T11:03:32+03:00'),
      FIELDS_AFTER: taskFields('3', '2024-12-10T11:04:12+03:00'),
      IS_ACCESSIBLE_BEFORE: 'Y',
      IS_ACCESSIBLE_AFTER: 'Y',
    },
    ts: '1733821452',
    auth: fullAuth(),
  });
}

const MESSAGE =
  'Добрый день! 👋 Подскажите, пожалуйста, статус заказа №4821: оплата прошла вчера, а уведомления об отгрузке всё нет. ' +
  'Если нужно, пришлю счёт и платёжку 📎. Спасибо! 🙏 ';

const botBlock = (id, code) => ({
  AUTH: fullAuth({ user_id: id }),
  BOT_ID: id,
  BOT_CODE: code,
});

/** ONIMBOTMESSAGEADD: two bot blocks under their ids, a Cyrillic message with emoji, the user (~7.5 KB). */
export function botMessage() {
  return encodeForm({
    event: 'ONIMBOTMESSAGEADD',
    event_handler_id: '31',
    data: {
      BOT: { 1187: botBlock('1187', 'support_bot'), 1203: botBlock('1203', 'orders_bot') },
      PARAMS: {
        FROM_USER_ID: '17',
        MESSAGE: MESSAGE.repeat(4).trim(),
        TO_CHAT_ID: '9832',
        MESSAGE_TYPE: 'C',
        SYSTEM: 'N',
        ATTACH: '',
        PARAMS: { URL_ID: ['18342'], URL_ONLY: 'N' },
        DIALOG_ID: 'chat9832',
        CHAT_TITLE: 'Отдел продаж 🚀 — заказы',
        CHAT_TYPE: 'C',
        CHAT_ENTITY_TYPE: '',
        MESSAGE_ID: '771203',
        CHAT_ID: '9832',
        LANGUAGE: 'ru',
      },
      USER: {
        ID: '17',
        NAME: 'Анна Смирнова',
        FIRST_NAME: 'Анна',
        LAST_NAME: 'Смирнова',
        WORK_POSITION: 'Менеджер по работе с клиентами',
        GENDER: 'F',
        IS_BOT: 'N',
        IS_CONNECTOR: 'N',
        IS_NETWORK: 'N',
        IS_EXTRANET: 'N',
      },
    },
    ts: '1733821501',
    auth: fullAuth(),
  });
}

/** A CRM item with 1,490 custom fields, then the auth block: past qs's 1,000-parameter cut. */
export function params1500() {
  const fields = { ID: '662', ENTITY_TYPE_ID: '147' };
  for (let i = 1; i < 1490; i++) fields[`UF_CRM_1700000000_${i}`] = i % 3 === 0 ? `значение ${i}` : String(i * 7);
  const value = { event: 'ONCRMDYNAMICITEMUPDATE_147', data: { FIELDS: fields }, ts: '1733821600', auth: fullAuth() };
  return encodeForm(value);
}

/** Every payload once, with its name; bodies are built at import so benches time only parsing. */
export const PAYLOADS = [
  { name: 'deal update', body: dealUpdate() },
  { name: 'task update', body: taskUpdate() },
  { name: 'bot message', body: botMessage() },
  { name: '1,500 parameters', body: params1500() },
].map((payload) => ({
  ...payload,
  bytes: Buffer.byteLength(payload.body),
  params: payload.body.split('&').length,
}));
