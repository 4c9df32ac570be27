import type { B24Event } from '../events/types.js';

/**
 * How a token is trusted when there is nothing to compare it with yet: an `ONAPPINSTALL` for a
 * portal with no stored token, or an `ONAPPUPDATE` (or reinstall) bringing a token that differs
 * from the stored one.
 * - `'refuse'` (default): refuse it; store the token yourself (for example from your install page).
 * - `'trust-first-use'`: store the token an `ONAPPINSTALL` brings when none is stored (atomically,
 *   with `TokenStore.claim`, when the store has it); never replace one; an `ONAPPUPDATE` never
 *   registers a portal.
 * - a function: your own check (e.g. call the portal's REST API with `event.auth.accessToken`, as
 *   `verifyInstall` of `@b24hooks/rest` does); `true` stores the delivered token, replacing the old
 *   one on a genuine reinstall. Bounded by `timeouts.dependencyMs`.
 */
export type InstallPolicy = 'refuse' | 'trust-first-use' | ((event: B24Event) => boolean | Promise<boolean>);

export const INSTALL_EVENTS: ReadonlySet<string> = new Set(['ONAPPINSTALL', 'ONAPPUPDATE']);

export const INSTALL_CHOICES =
  "To accept installs, create the receiver with install: 'trust-first-use' (store the first token a portal sends), " +
  'install: async (event) => boolean (check it yourself), or store the token in your tokenStore beforehand.';
