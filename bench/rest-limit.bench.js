// The REST client against the fake portal's leaky bucket: 500 calls fired at once. Counts how many
// QUERY_LIMIT_EXCEEDED refusals the portal made and how many reached a caller, and how close the
// client ran to the rate the portal allows, next to a client without its own bucket (retries only).
// Imports the BUILT packages: `pnpm bench` builds first. B24HOOKS_BENCH_CALLS / _BURST / _RATE
// change the run (Bitrix24's own limit, 50 and 2 per second, would take minutes for 500 calls).
import { createRestClient } from '@b24hooks/rest';
import { createFakePortal } from '@b24hooks/testing';

const calls = Number(process.env.B24HOOKS_BENCH_CALLS ?? 500);
const limit = { burst: Number(process.env.B24HOOKS_BENCH_BURST ?? 50), perSecond: Number(process.env.B24HOOKS_BENCH_RATE ?? 20) };

async function run(label, clientOptions) {
  const portal = await createFakePortal({ rateLimit: limit });
  portal.method('crm.deal.get', (params) => ({ ID: params.id }));
  const b24 = createRestClient({ webhook: portal.webhookUrl, ...clientOptions });
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: calls }, (_, index) => b24.call('crm.deal.get', { id: index + 1 })));
  const seconds = (performance.now() - started) / 1000;
  await portal.close();
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
  const limited = failed.filter((outcome) => outcome.reason?.code === 'QUERY_LIMIT_EXCEEDED').length;
  const ok = calls - failed.length;
  // From an empty bucket the portal takes `burst` at once, then `perSecond`.
  const floor = Math.max(0, calls - limit.burst) / limit.perSecond;
  const sustained = Math.max(0, ok - limit.burst) / seconds;
  return { label, ok, limited, otherFailures: failed.length - limited, refusedByPortal: portal.rejectedByLimit, seconds, floor, sustained };
}

const rows = [
  await run('createRestClient (its bucket = the portal)', { rateLimit: limit }),
  await run('no client bucket, retries 3 (peer)', { rateLimit: false }),
];

console.log(`${calls} concurrent calls; the portal allows a burst of ${limit.burst}, then ${limit.perSecond} per second`);
console.log('client                                  | ok  | QUERY_LIMIT to caller | other errors | portal refusals | seconds | allowed minimum | rate after burst (allowed)');
for (const row of rows) {
  console.log(
    `${row.label.padEnd(39)} | ${String(row.ok).padStart(3)} | ${String(row.limited).padStart(21)} | ${String(row.otherFailures).padStart(12)} | ${String(row.refusedByPortal).padStart(15)} | ${row.seconds.toFixed(2).padStart(7)} | ${row.floor.toFixed(2).padStart(15)} | ${row.sustained.toFixed(2)}/s (${limit.perSecond}/s): ${((100 * row.sustained) / limit.perSecond).toFixed(1)}%`,
  );
}
if (rows[0].limited > 0) {
  console.error('createRestClient let QUERY_LIMIT_EXCEEDED reach a caller');
  process.exitCode = 1;
}
