import { B24HookError } from '../errors.js';

export interface FormLimits {
  /** Largest body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most `key=value` pairs accepted. Default 2,000 (Bitrix24's largest real deliveries stay far below). */
  maxParams?: number;
  /** Most bracket levels in one key (`data[FIELDS][ID]` is 2). Default 10. */
  maxDepth?: number;
}

export type ResolvedFormLimits = Required<FormLimits>;

export const DEFAULT_FORM_LIMITS: Readonly<ResolvedFormLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxParams: 2000,
  maxDepth: 10,
});

/** Limits already checked: a receiver resolves its limits once and parses with them per request. */
const resolvedLimits = new WeakSet<object>([DEFAULT_FORM_LIMITS]);

export function resolveFormLimits(limits?: FormLimits): ResolvedFormLimits {
  if (!limits) return DEFAULT_FORM_LIMITS;
  if (resolvedLimits.has(limits)) return limits as ResolvedFormLimits;
  const resolved = { ...DEFAULT_FORM_LIMITS, ...stripUndefined(limits) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new TypeError(`b24hooks: limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  const frozen = Object.freeze(resolved);
  resolvedLimits.add(frozen);
  return frozen;
}

function stripUndefined(limits: FormLimits): FormLimits {
  const out: FormLimits = {};
  if (limits.maxBodyBytes !== undefined) out.maxBodyBytes = limits.maxBodyBytes;
  if (limits.maxParams !== undefined) out.maxParams = limits.maxParams;
  if (limits.maxDepth !== undefined) out.maxDepth = limits.maxDepth;
  return out;
}

export function tooManyParams(limit: number): B24HookError {
  return new B24HookError(
    'MALFORMED_BODY',
    `The body has more than ${limit} parameters. Bitrix24 deliveries are far smaller; if yours are real, raise limits.maxParams.`,
  );
}

export function tooDeep(limit: number): B24HookError {
  return new B24HookError(
    'MALFORMED_BODY',
    `A key in the body is nested deeper than ${limit} levels. If such deliveries are real, raise limits.maxDepth.`,
  );
}

export function bodyTooLarge(limit: number): B24HookError {
  return new B24HookError(
    'BODY_TOO_LARGE',
    `The body is larger than ${limit} bytes. If such deliveries are real, raise limits.maxBodyBytes.`,
  );
}
