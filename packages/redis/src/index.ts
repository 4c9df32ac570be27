export { createRedisTokenStore, type RedisStoreOptions, type RedisTokenStore } from './token-store.js';
export { createRedisCredentialStore, type B24Credentials, type CredentialStore } from './credential-store.js';
