/** What a test run leaves open: sockets, servers and timers of this process, counted by kind. */
const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'];

/** The kinds of resource still above their count in `before` after waiting up to `withinMs`. */
export async function settledTo(before: Map<string, number>, withinMs: number): Promise<string[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const now = resources();
    const over = WATCHED.filter((kind) => (now.get(kind) ?? 0) > (before.get(kind) ?? 0)).map((kind) => `${kind}: ${before.get(kind) ?? 0} → ${now.get(kind)}`);
    if (over.length === 0 || Date.now() > until) return over;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sockets, servers and timers this process holds, by kind. */
export function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}
