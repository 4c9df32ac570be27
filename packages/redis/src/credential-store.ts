import type { Redis } from 'ioredis';
import type { RedisStoreOptions } from './token-store.js';

/** An application's OAuth tokens for one portal: the same shape as `@b24hooks/rest`'s. */
export interface B24Credentials {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: Date;
  domain: string;
  clientEndpoint: string;
  serverEndpoint: string;
  memberId: string;
}

/** Structurally `@b24hooks/rest`'s `CredentialStore`, so either package works without the other. */
export interface CredentialStore {
  get(memberId: string): Promise<B24Credentials | undefined>;
  set(memberId: string, credentials: B24Credentials): Promise<void>;
  delete(memberId: string): Promise<void>;
}

type Stored = Omit<B24Credentials, 'expiresAt'> & { expiresAt?: string };

function revive(text: string): B24Credentials | undefined {
  let stored: Stored;
  try {
    stored = JSON.parse(text) as Stored;
  } catch {
    return undefined;
  }
  if (!stored || typeof stored.accessToken !== 'string' || typeof stored.memberId !== 'string') return undefined;
  const { expiresAt, ...rest } = stored;
  return expiresAt === undefined ? rest : { ...rest, expiresAt: new Date(expiresAt) };
}

/**
 * A `CredentialStore` on Redis: one JSON string per portal under `<prefix><member_id>`, written
 * whole, so a refresh that several instances race on leaves one consistent pair.
 */
export function createRedisCredentialStore(redis: Redis, options: RedisStoreOptions = {}): CredentialStore {
  const prefix = options.prefix ?? 'b24hooks:credentials:';
  const keyOf = (memberId: string) => `${prefix}${memberId}`;
  return {
    async get(memberId) {
      const text = await redis.get(keyOf(memberId));
      // Something unreadable there is treated as absent, so the app asks for a new install.
      return text === null ? undefined : revive(text);
    },
    async set(memberId, credentials) {
      const { expiresAt, ...rest } = credentials;
      const stored: Stored = expiresAt === undefined ? rest : { ...rest, expiresAt: expiresAt.toISOString() };
      await redis.set(keyOf(memberId), JSON.stringify(stored));
    },
    async delete(memberId) {
      await redis.del(keyOf(memberId));
    },
  };
}
