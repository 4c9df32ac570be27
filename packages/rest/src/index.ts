export { createRestClient, type RestClient, type RestClientOptions, type RestParams, type RawResult } from './client.js';
export { B24RestError, isB24RestError, type B24RestClientErrorCode, type B24RestErrorOptions } from './errors.js';
export { createMemoryCredentialStore, credentialsFromEvent, type B24Credentials, type CredentialStore } from './credentials.js';
export { BATCH_LIMIT, type BatchCommand, type BatchCommands, type BatchOptions, type BatchResult } from './batch.js';
export type { ListOptions } from './list.js';
export { DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limit.js';
export { DEFAULT_OAUTH_SERVER, type AppCredentials } from './refresh.js';
export { isReadMethod } from './retry.js';
export type { EventSource } from './target.js';
