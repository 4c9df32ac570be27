// What bench/hostile.bench.js and bench/form-linear.bench.js share: 1 MiB-class bodies built from
// a repeated unit, and the "keys only" floor both compare against.

export const MIB = 1024 * 1024;
/** Just under 1 MiB, so that a body and a few bytes around it stay within the default limit. */
export const FIT = MIB - 16;

/** `unit` repeated to fill `chars` characters. */
export const repeat = (unit, chars = FIT) => unit.repeat(Math.floor(chars / unit.length));

/** `count` pairs `k<i><key>`, joined with `&`. */
export const pairs = (count, key) => Array.from({ length: count }, (_, i) => `k${i}${key}`).join('&');

/**
 * Every `&`-separated part of the body as a key of one object, undecoded and unchecked: what V8
 * charges to hash and store the keys of the body, the least any parser pays for them.
 */
export function keysOnly(bytes) {
  const out = {};
  for (const part of bytes.toString().split('&')) out[part] = '';
  return out;
}

// The median, not the mean: on a shared machine a few descheduled samples would skew the mean.
export const medianMs = (task) => task.result?.latency?.p50 ?? Number.NaN;
