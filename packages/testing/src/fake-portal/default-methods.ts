import { bitrixTime } from './answer.js';
import type { FakePortal } from './types.js';

/** The methods every portal answers before a test sets any: `app.info` and `server.time`. */
export function setDefaultMethods(portal: FakePortal): void {
  // app.info as the docs show it; CODE is the application's client_id for local applications.
  portal.method('app.info', () => ({
    ID: 1,
    CODE: portal.app.clientId,
    VERSION: 1,
    STATUS: 'L',
    INSTALLED: true,
    PAYMENT_EXPIRED: 'N',
    DAYS: null,
    LANGUAGE_ID: 'en',
    LICENSE: 'en_pro100',
    LICENSE_TYPE: 'pro100',
    LICENSE_FAMILY: 'pro',
  }));
  portal.method('server.time', () => bitrixTime(new Date()));
}
