export { createMemoryTokenStore, type TokenStore } from './token-store.js';
export type { InstallPolicy } from './install-policy.js';
export { scanCredentials, type Credentials } from './scan.js';
