import { B24HookError } from '../errors.js';
import { readAuthBlock, toEvent } from '../events/to-event.js';
import type { B24Event } from '../events/types.js';
import type { FormObject } from '../form/types.js';
import { matchesAnyToken, tokenBytes } from './compare.js';
import { INSTALL_CHOICES, INSTALL_EVENTS, type InstallPolicy } from './install-policy.js';
import type { Credentials } from './scan.js';
import type { TokenStore } from './token-store.js';
import { dependencyTimeout, withDeadline } from '../receiver/deadline.js';

export interface VerifyOptions {
  /** The application token (or several, while rotating) of an outgoing webhook or a single-portal app. */
  token?: string | readonly string[];
  /** Tokens per portal, for an application installed on many portals. */
  tokenStore?: TokenStore;
  install?: InstallPolicy;
}

interface Expected {
  tokens: Buffer[];
  /** The portal has a stored token. */
  stored: boolean;
}

/** The tokens expected from one portal, looked up once per request (a store may be a network hop). */
export interface PortalTokens {
  memberId: string;
  expected: Expected;
  /** The delivered token the precheck found among `expected`: the same token needs no second compare. */
  matched?: string;
}

export interface Precheck {
  /** Set when the scanned credentials cannot pass. */
  refusal?: B24HookError;
  /** What the scan looked up, for `verify` to reuse when the parsed body names the same portal. */
  looked?: PortalTokens;
}

export interface TokenVerifier {
  /**
   * Refuses a raw body whose scanned credentials cannot pass, before it is parsed. Synchronous
   * when nothing needs looking up (static tokens only), so a refusal waits for nothing.
   */
  precheck(credentials: Credentials): Precheck | Promise<Precheck>;
  /** True when a token store is used: then `precheck` also reads `credentials.event` (installs). */
  readonly usesStore: boolean;
  verify(form: FormObject, looked?: PortalTokens): Promise<B24Event>;
  /** The same token check, with `build` in place of the event builder (robot calls); never an install. */
  verify<T>(form: FormObject, looked: PortalTokens | undefined, build: (form: FormObject) => T): Promise<T>;
  /** Forgets a portal whose uninstall was handled. */
  forget(event: B24Event): Promise<void>;
}

function mismatch(): B24HookError {
  return new B24HookError(
    'TOKEN_MISMATCH',
    "auth[application_token] does not match this receiver's token for the portal. Check the token configured for this endpoint (it changes when the app is reinstalled).",
  );
}

function unknownPortal(install: boolean): B24HookError {
  return new B24HookError(
    'UNKNOWN_PORTAL',
    install
      ? `No token is stored for this portal yet, so its install cannot be verified. ${INSTALL_CHOICES}`
      : 'No token is stored for this portal (auth[member_id]). Install the application on it first, or store its token in the tokenStore.',
  );
}

function updateOfUnknownPortal(): B24HookError {
  return new B24HookError(
    'UNKNOWN_PORTAL',
    "No token is stored for this portal, and under install: 'trust-first-use' only an ONAPPINSTALL may bring a portal's first token, never an ONAPPUPDATE. Reinstall the application on the portal, or store its token in the tokenStore.",
  );
}

function tokenMissing(): B24HookError {
  return new B24HookError(
    'TOKEN_MISSING',
    'The body has no auth[application_token]. Bitrix24 sends it with every event; check that the request comes from Bitrix24 and reaches this endpoint unchanged.',
  );
}

function normalizeTokens(token: VerifyOptions['token']): string[] {
  if (token === undefined) return [];
  const tokens = typeof token === 'string' ? [token] : [...token];
  if (tokens.length === 0 || tokens.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw new TypeError('b24hooks: token must be a non-empty string or a non-empty list of non-empty strings.');
  }
  return tokens;
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (!Array.isArray(value)) throw new TypeError('b24hooks: tokenStore.get must resolve to a string, a list of strings, undefined or null.');
  return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
}

/** The `application_token` a delivery was verified with. */
function deliveredToken(event: B24Event): string | undefined {
  const auth = event.raw?.auth;
  const token = auth !== null && typeof auth === 'object' && !Array.isArray(auth) ? auth.application_token : undefined;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

export interface VerifierSettings {
  /** How long one call of the token store or the install policy may take. */
  dependencyMs?: number;
  /** Builds the event (the receiver's shape policy). */
  build?: (form: FormObject) => B24Event;
  /** Told of every event whose token was accepted, before `verify` resolves. */
  accepted?: (event: B24Event) => void;
}

export function createTokenVerifier(options: VerifyOptions, settings: VerifierSettings = {}): TokenVerifier {
  const dependencyMs = settings.dependencyMs ?? Number.POSITIVE_INFINITY;
  const build = settings.build ?? ((form: FormObject) => toEvent(form));
  const accepted = settings.accepted ?? (() => {});
  const staticTokens = normalizeTokens(options.token).map(tokenBytes);
  const store = options.tokenStore;
  const install = options.install ?? 'refuse';
  if (staticTokens.length === 0 && store === undefined) {
    throw new TypeError('b24hooks: createReceiver needs a token (string or list) or a tokenStore; without one nothing could be verified.');
  }
  if (options.install !== undefined && store === undefined) {
    throw new TypeError('b24hooks: the install policy needs a tokenStore to keep the tokens it accepts.');
  }
  if (typeof install !== 'function' && install !== 'refuse' && install !== 'trust-first-use') {
    throw new TypeError("b24hooks: install must be 'refuse', 'trust-first-use' or a function.");
  }

  const ask = <T>(what: string, call: () => T | PromiseLike<T>): Promise<T> =>
    withDeadline(call, dependencyMs, () => dependencyTimeout(what, dependencyMs));

  const staticOnly: Expected = { tokens: staticTokens, stored: false };
  const nothingToSay: Precheck = {};

  async function expectedFor(memberId: string): Promise<Expected> {
    if (store === undefined) return staticOnly;
    const stored = asList(await ask('token store', () => store.get(memberId))).map(tokenBytes);
    return { tokens: stored.length ? [...staticTokens, ...stored] : staticTokens, stored: stored.length > 0 };
  }

  function refusal(expected: Expected, isInstall: boolean): B24HookError {
    return expected.tokens.length === 0 ? unknownPortal(isInstall) : mismatch();
  }

  async function decideInstall(event: B24Event, token: string, expected: Expected): Promise<void> {
    const memberId = event.portal.memberId;
    if (typeof install === 'function') {
      if ((await ask('install policy', () => install(event))) !== true) throw refusal(expected, true);
      await ask('token store', () => store!.set(memberId, token, event.portal));
      return;
    }
    // trust-first-use: only an install may bring a portal's first token (an update presumes one),
    // and a stored token is never replaced.
    if (install === 'trust-first-use' && !expected.stored && event.name === 'ONAPPUPDATE') throw updateOfUnknownPortal();
    if (install !== 'trust-first-use' || expected.stored || event.name !== 'ONAPPINSTALL') throw refusal(expected, true);
    if (store!.claim === undefined) {
      await ask('token store', () => store!.set(memberId, token, event.portal));
      return;
    }
    if (await ask('token store', () => store!.claim!(memberId, token, event.portal))) return;
    // Another install claimed the portal first: it is this one only if it brought the same token
    // (the same delivery twice).
    const now = await expectedFor(memberId);
    if (!matchesAnyToken(token, now.tokens)) throw refusal(now, true);
  }

  function decide(credentials: Credentials, memberId: string, token: string, expected: Expected): Precheck {
    if (matchesAnyToken(token, expected.tokens)) return { looked: { memberId, expected, matched: token } };
    // With a store, installs and updates may still be accepted by the install policy: only the
    // full path decides those. Without one, no event can pass with another token.
    if (store !== undefined) {
      const event = credentials.event;
      if (event === undefined || INSTALL_EVENTS.has(event.toUpperCase())) return { looked: { memberId, expected } };
    }
    return { refusal: refusal(expected, false) };
  }

  return {
    usesStore: store !== undefined,

    precheck(credentials) {
      const { memberId, token } = credentials;
      if (memberId === undefined || token === undefined || token === '') return nothingToSay;
      if (store === undefined) return decide(credentials, memberId, token, staticOnly);
      return expectedFor(memberId).then((expected) => decide(credentials, memberId, token, expected));
    },

    async verify(form: FormObject, looked?: PortalTokens, robotBuild?: (form: FormObject) => unknown): Promise<never> {
      const auth = readAuthBlock(form);
      const token = auth.application_token;
      if (typeof token !== 'string' || token === '') throw tokenMissing();
      const memberId = auth.member_id;
      const hasMemberId = typeof memberId === 'string' && memberId !== '';
      // Static tokens need no portal to compare with, so a forged call without member_id is still a
      // 401; a store cannot look anything up without it. toEvent refuses a missing one after.
      if (!hasMemberId && store !== undefined) {
        throw new B24HookError('INVALID_EVENT', 'auth[member_id] must be present: it says which portal sent the event.');
      }
      let expected = staticOnly;
      const reused = hasMemberId && looked?.memberId === memberId;
      if (hasMemberId) expected = reused ? looked!.expected : await expectedFor(memberId);
      // Both sides of this `===` are what the request sent: it tells nothing about the secret.
      if ((reused && looked!.matched === token) || matchesAnyToken(token, expected.tokens)) {
        if (robotBuild !== undefined) return robotBuild(form) as never;
        const event = build(form);
        accepted(event);
        return event as never;
      }
      const name = typeof form.event === 'string' ? form.event.toUpperCase() : '';
      if (store === undefined || robotBuild !== undefined || !INSTALL_EVENTS.has(name)) throw refusal(expected, false);
      const event = build(form);
      await decideInstall(event, token, expected);
      accepted(event);
      return event as never;
    },

    async forget(event) {
      if (store === undefined || event.name !== 'ONAPPUNINSTALL') return;
      // Only the token this uninstall was verified with: a reinstall accepted meanwhile brought
      // another one, which must stay.
      const token = deliveredToken(event);
      const memberId = event.portal.memberId;
      if (token === undefined) return;
      const stored = asList(await ask('token store', () => store.get(memberId)));
      if (!matchesAnyToken(token, stored.map(tokenBytes))) return;
      await ask('token store', () => store.delete(memberId, token));
    },
  };
}
