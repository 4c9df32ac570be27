import type { B24Portal } from '@b24hooks/core';

// Made-up values, shaped like real ones (32 hex digits for ids and tokens). Configure the receiver
// under test with FIXTURE_TOKEN, or pass your own `token` to the builders.

/** The `auth[application_token]` of every fixture unless `token` is given. */
export const FIXTURE_TOKEN = '5b2a0c1f9e8d7c6b5a4938271605f4e3';

/** The portal every fixture comes from unless `portal` is given. */
export const FIXTURE_PORTAL: Readonly<B24Portal> = Object.freeze({
  domain: 'example.bitrix24.com',
  memberId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  clientEndpoint: 'https://example.bitrix24.com/rest/',
  serverEndpoint: 'https://oauth.bitrix.info/rest/',
});

/** `ts` of every fixture (2026-01-01T10:00:00Z), fixed so that bodies are reproducible. */
export const FIXTURE_TS = 1_767_261_600;

/** `event_handler_id` of every fixture. */
export const FIXTURE_HANDLER_ID = 47;

/** The OAuth fields an application's delivery adds when a user's action caused the event. */
export const FIXTURE_OAUTH = Object.freeze({
  accessToken: '6d1f7b6a0068ad5b00722fe0000000010000000a3c1d2e3f4a5b6c7d8e9f0a1b2c3d4e',
  refreshToken: '5d9ea26a0068ad5b00722fe0000000010000000b7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c',
  expiresIn: 3600,
  userId: 1,
  status: 'L',
});
