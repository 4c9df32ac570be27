/** Edit distance (insertions, deletions, substitutions), for "did you mean" hints. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Up to `most` names close to `wanted`: those containing it first, then the nearest by spelling. */
export function closestNames(wanted: string, names: readonly string[], most = 3): string[] {
  const query = wanted.toUpperCase();
  const containing = query.length >= 3 ? names.filter((name) => name.includes(query)) : [];
  const near = names
    .map((name) => ({ name, cost: distance(query, name) }))
    .filter(({ cost }) => cost <= Math.max(2, Math.floor(query.length / 4)))
    .sort((a, b) => a.cost - b.cost)
    .map(({ name }) => name);
  return [...new Set([...near, ...containing])].slice(0, most);
}
