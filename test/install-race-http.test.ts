/**
 * Concurrent ONAPPINSTALLs for one new portal over HTTP, under `install: 'trust-first-use'`, with
 * a memory token store whose every call takes a small random time: exactly one install is accepted
 * and its token stored, every other is refused, and afterwards only the stored token verifies.
 * (Before `TokenStore.claim`, check-then-set let several installs through and the last `set` won.)
 */
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createReceiver, type TokenStore } from '@b24hooks/core';
import { buildEventBody } from '@b24hooks/testing';
import { createRandom } from './php/generate.js';
import { watchCrashes } from './support/crash-watch.js';
import { exchange, type Outcome } from './support/http-exchange.js';
import { HOOK_PATH, HOOK_SERVER_TARGETS } from './support/hook-servers.js';

const TRIALS = 8;
const RACERS = 24;
const ANSWER_WITHIN_MS = 5_000;

/** The memory store, each call after 0-5 ms, as a networked store would answer. */
function slowStore(seed: number): TokenStore {
  const memory = createMemoryTokenStore();
  const random = createRandom(seed);
  const lag = () => new Promise((resolve) => setTimeout(resolve, random.int(0, 5)));
  return {
    get: async (memberId) => (await lag(), memory.get(memberId)),
    set: async (memberId, token, portal) => (await lag(), memory.set(memberId, token, portal)),
    delete: async (memberId, token) => (await lag(), memory.delete(memberId, token)),
    claim: async (memberId, token, portal) => (await lag(), memory.claim!(memberId, token, portal)),
  };
}

const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const tokenOf = (trial: number, racer: number) => `r4c3t0k3n${String(trial).padStart(3, '0')}${String(racer).padStart(3, '0')}${'0'.repeat(17)}`;
const codeOf = (outcome: Outcome) => (outcome.kind === 'answer' && outcome.status !== 200 ? (JSON.parse(outcome.text) as { error: { code: string } }).error.code : undefined);

describe.each(HOOK_SERVER_TARGETS.map((target) => [target.name, target] as const))('install race through %s', (_name, target) => {
  it(`${TRIALS} trials of ${RACERS} concurrent installs: one accepted and stored, the rest refused, only the stored token verifies`, async () => {
    const watch = watchCrashes();
    const store = slowStore(TRIALS * RACERS);
    const installs: string[] = [];
    const receiver = createReceiver({ tokenStore: store, install: 'trust-first-use', logger: { warn: () => {}, error: () => {} } });
    receiver.on('ONAPPINSTALL', (event) => void installs.push(event.portal.memberId));
    const server = await target.start(receiver, (event) => void (event.name === 'ONAPPINSTALL' && installs.push(event.portal.memberId)));
    const agent = new Agent({ keepAlive: true, maxSockets: RACERS });
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const portal = { domain: `race${trial}.bitrix24.com`, memberId: `0ace${String(trial).padStart(4, '0')}${'0'.repeat(24)}` };
        const tokens = Array.from({ length: RACERS }, (_, racer) => tokenOf(trial, racer));
        const answers = await Promise.all(
          tokens.map((token) => exchange(server.url, HOOK_PATH, post(buildEventBody('ONAPPINSTALL', { token, portal })), agent, ANSWER_WITHIN_MS)),
        );
        const accepted = answers.flatMap((answer, racer) => (answer.kind === 'answer' && answer.status === 200 ? [tokens[racer]!] : []));
        expect(accepted).toHaveLength(1);
        const refused = answers.filter((answer) => answer.kind === 'answer' && answer.status === 401);
        expect(refused).toHaveLength(RACERS - 1);
        expect(new Set(refused.map(codeOf))).toEqual(new Set(['TOKEN_MISMATCH']));
        expect(await store.get(portal.memberId)).toBe(accepted[0]);
        expect(installs.filter((memberId) => memberId === portal.memberId)).toHaveLength(1);
        // Afterwards only the winner's token opens the portal.
        const later = await Promise.all(
          tokens.map((token) => exchange(server.url, HOOK_PATH, post(buildEventBody('ONCRMDEALUPDATE', { token, portal })), agent, ANSWER_WITHIN_MS)),
        );
        later.forEach((answer, racer) => expect(answer).toMatchObject({ kind: 'answer', status: tokens[racer] === accepted[0] ? 200 : 401 }));
      }
      // The same install delivered twice at once (one token) is one claim: both are answered 200.
      const portal = { domain: 'twice.bitrix24.com', memberId: `7w1ce${'0'.repeat(27)}` };
      const twice = await Promise.all(
        [0, 1].map(() => exchange(server.url, HOOK_PATH, post(buildEventBody('ONAPPINSTALL', { token: tokenOf(999, 0), portal })), agent, ANSWER_WITHIN_MS)),
      );
      for (const answer of twice) expect(answer).toMatchObject({ kind: 'answer', status: 200 });
      expect(await store.get(portal.memberId)).toBe(tokenOf(999, 0));
      expect(watch.crashes).toEqual([]);
    } finally {
      watch.stop();
      agent.destroy();
      await server.close();
    }
  });
});
