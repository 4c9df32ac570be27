/**
 * A seeded, bounded HTTP stress run through every adapter on real servers, over keep-alive
 * connections: genuine deliveries (every fixture, robot calls, JSON, chunked) mixed with forged,
 * mutated and hostile requests and clients that leave mid-body. For every request: an answer
 * within a bound (no hang), the promised status, no 5xx but for a handler that failed, the handler
 * run exactly once for each accepted delivery and never for a refused one, no secret in any
 * answer or log line; for the run: no crash, no unhandled rejection, Object.prototype untouched,
 * every server socket closed once the clients leave, no socket, server or timer left behind.
 *
 * B24HOOKS_STRESS_REQUESTS (default 500) sets the requests per adapter, B24HOOKS_STRESS_SEED the
 * seed; B24HOOKS_SOAK_SECONDS (default 0: off) adds a soak of that many seconds per adapter;
 * B24HOOKS_STRESS_REPORT=1 prints each run's statuses.
 */
import { Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReceiver, type B24Event } from '@b24hooks/core';
import { watchCrashes } from './support/crash-watch.js';
import { resources, settledTo } from './support/resources.js';
import { exchange, type Outcome } from './support/http-exchange.js';
import { HOOK_PATH, HOOK_SERVER_TARGETS, ROUTE_TARGETS, type HookServerTarget } from './support/hook-servers.js';
import { createRandom } from './php/generate.js';
import { createRequestGenerator, FAIL_ID, SECRETS, STRESS_ROBOT, TOKEN, type StressRequest } from './support/stress-requests.js';

const REQUESTS = Number(process.env.B24HOOKS_STRESS_REQUESTS ?? 500);
const SOAK_SECONDS = Number(process.env.B24HOOKS_SOAK_SECONDS ?? 0);
const SEED = Number(process.env.B24HOOKS_STRESS_SEED ?? 20261201);
const CONNECTIONS = 6;
const ANSWER_WITHIN_MS = 5_000;

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join();

interface Rig {
  receiver: ReturnType<typeof createReceiver>;
  /** Handler runs per request marker (the request's `ts`). */
  runs: Map<number, number>;
  logs: string[];
  /** What an app's own route (Nest's guard, `respond: false`) does with an event: what the handler does. */
  route(event: B24Event): void;
}

function rig(): Rig {
  const runs = new Map<number, number>();
  const logs: string[] = [];
  const line = (message: string, details?: object) => void logs.push(`${message} ${JSON.stringify(details ?? {})}`);
  const receiver = createReceiver({
    token: TOKEN,
    logger: { warn: line, error: line },
    // The robot calls here do not wait (use_subscription N): nothing is sent back.
    rest: () => ({ call: async (method) => Promise.reject(new Error(`no REST call expected here (${method})`)) }),
  });
  const ran = (timestamp: Date) => {
    const marker = timestamp.getTime() / 1000;
    runs.set(marker, (runs.get(marker) ?? 0) + 1);
  };
  receiver.onAny((event) => route(event));
  receiver.onRobot(STRESS_ROBOT, (call) => {
    ran(call.timestamp);
    return { found: true };
  });
  function route(event: B24Event): void {
    ran(event.timestamp);
    const fields = (event.data as { FIELDS?: { ID?: unknown } } | undefined)?.FIELDS;
    if (fields?.ID === FAIL_ID) throw new Error('the handler fails on purpose');
  }
  return { receiver, runs, logs, route };
}

interface Tally {
  sent: number;
  byKind: Map<string, number>;
  byStatus: Map<string, number>;
}

/** Every broken promise of the run, as readable lines (the first 20 are shown). */
function judge(results: ReadonlyArray<[StressRequest, Outcome]>, test: Rig, seed: number, tally: Tally): string[]{
  const failures: string[] = [];
  const answered = new Set<number>();
  for (const [request, outcome] of results) {
    const what = `${request.kind} #${request.marker} (seed ${seed})`;
    const status = outcome.kind === 'answer' ? String(outcome.status) : outcome.kind;
    tally.byKind.set(request.kind, (tally.byKind.get(request.kind) ?? 0) + 1);
    tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
    const runs = test.runs.get(request.marker) ?? 0;
    const { expect: expected } = request;
    if (expected.status === 'aborted') {
      if (outcome.kind !== 'aborted' && !(outcome.kind === 'answer' && outcome.status < 500)) failures.push(`${what}: ${status}`);
      if (runs !== 0) failures.push(`${what}: the handler ran for a body that never fully arrived`);
      continue;
    }
    if (outcome.kind !== 'answer') {
      failures.push(`${what}: ${outcome.kind}${outcome.kind === 'client-error' ? ` (${outcome.message})` : ''}`);
      continue;
    }
    const statusOk = expected.status === '4xx' ? outcome.status >= 400 && outcome.status < 500 : outcome.status === expected.status;
    if (!statusOk) failures.push(`${what}: ${outcome.status} ${outcome.text.slice(0, 200)}, expected ${expected.status}`);
    if (outcome.status >= 500 && !(expected.status === 500 && runs === 1)) failures.push(`${what}: a 5xx without a failing handler`);
    const accepted = outcome.status === 200 || (outcome.status === 500 && expected.runs);
    if (accepted && runs !== 1) failures.push(`${what}: answered ${outcome.status}, handler ran ${runs} times`);
    if (!accepted && runs !== 0) failures.push(`${what}: refused ${outcome.status}, yet the handler ran`);
    if (accepted) answered.add(request.marker);
    for (const secret of SECRETS) if (outcome.text.includes(secret)) failures.push(`${what}: a secret in the answer`);
  }
  for (const marker of test.runs.keys()) if (!answered.has(marker)) failures.push(`a handler ran for #${marker}, which no accepted request carried`);
  for (const line of test.logs) for (const secret of SECRETS) if (line.includes(secret)) failures.push(`a secret in a log line: ${line.slice(0, 200)}`);
  return failures;
}

async function load(target: HookServerTarget, until: { requests: number } | { seconds: number }, seed: number): Promise<Tally> {
  const watch = watchCrashes();
  const before = resources();
  const test = rig();
  const server = await target.start(test.receiver, test.route);
  let closed = false;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const generate = createRequestGenerator(createRandom(seed));
  const deadline = 'seconds' in until ? Date.now() + until.seconds * 1000 : Infinity;
  const more = (sent: number) => ('requests' in until ? sent < until.requests : Date.now() < deadline);
  const results: Array<[StressRequest, Outcome]> = [];
  const tally: Tally = { sent: 0, byKind: new Map(), byStatus: new Map() };
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (more(tally.sent)) {
          tally.sent++;
          const request = generate();
          // A client that leaves, or a body the server refuses before reading it, gets a connection of its own.
          const own = request.transfer?.kind === 'abort' || request.expect.status === 413;
          results.push([request, await exchange(server.url, HOOK_PATH, request, own ? false : agent, ANSWER_WITHIN_MS)]);
        }
      }),
    );
    // Handlers of requests whose clients left would run by now, if they (wrongly) ran at all.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const failures = judge(results, test, seed, tally);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(watch.crashes).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).toBe(PROTOTYPE_KEYS);
    // The generator reached both sides.
    expect(tally.byStatus.get('200')).toBeGreaterThan(tally.sent / 5);
    expect(tally.byStatus.get('401')).toBeGreaterThan(0);
    agent.destroy();
    expect(await server.drained(2_000)).toBe(0);
    await server.close();
    closed = true;
    // Nothing the run opened outlives it: no socket, server or timer of its own left behind.
    expect(await settledTo(before, 2_000)).toEqual([]);
    return tally;
  } finally {
    agent.destroy();
    watch.stop();
    if (!closed) await server.close();
  }
}


const summary = (tally: Tally) => [...tally.byStatus].sort().map(([status, n]) => `${status}:${n}`).join(' ');

describe.each([...HOOK_SERVER_TARGETS, ...ROUTE_TARGETS].map((target) => [target.name, target] as const))('HTTP stress through %s', (_name, target) => {
  let started = 0;
  beforeEach(() => void (started = Date.now()));
  afterEach((context) => {
    if (process.env.B24HOOKS_STRESS_REPORT) console.log(`${target.name}: ${context.task.name} in ${Date.now() - started} ms`);
  });

  it(`${REQUESTS} mixed requests (seed ${SEED}): each answered as promised, nothing lost, leaked or left open`, async () => {
    const tally = await load(target, { requests: REQUESTS }, SEED);
    if (process.env.B24HOOKS_STRESS_REPORT) console.log(`${target.name}: ${tally.sent} requests, ${summary(tally)}`);
  }, 60_000 + REQUESTS * 20);

  // Registered only when asked for, so the normal run has nothing skipped.
  if (SOAK_SECONDS > 0) it(`a ${SOAK_SECONDS} s soak`, async () => {
    const tally = await load(target, { seconds: SOAK_SECONDS }, SEED + 1);
    if (process.env.B24HOOKS_STRESS_REPORT) console.log(`${target.name} soak: ${tally.sent} requests, ${summary(tally)}`);
  }, 60_000 + SOAK_SECONDS * 2_000);
});
