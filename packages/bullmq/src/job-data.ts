import { createHash } from 'node:crypto';
import type { B24HandoffItem, FormObject, FormValue } from '@b24hooks/core';

/**
 * What a job holds: the delivery without any application_token, and when it was received. A robot
 * job (`kind: 'robot'`, `name` its code) keeps the call's `event_token`: the worker's reply needs it.
 */
export interface B24JobData {
  v: 1;
  kind: 'event' | 'robot';
  name: string;
  memberId: string;
  form: FormObject;
  receivedAt: string;
  /** The coalescing key a worker releases when it starts the job. */
  coalesce?: string;
}

// Per-delivery credentials: a re-delivery of the same change may carry fresh ones.
const TOKEN_KEYS = new Set(['access_token', 'refresh_token', 'expires', 'expires_in']);

function canonical(value: FormValue): FormValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const isAuth = 'access_token' in value || 'member_id' in value;
  const copy: FormObject = {};
  for (const key of Object.keys(value)) if (!(isAuth && TOKEN_KEYS.has(key))) copy[key] = canonical(value[key]!);
  return copy;
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

/** Same for two deliveries whose forms are identical, tokens aside. */
export const deliveryHash = (form: FormObject) => digest(canonical(form));

/** Same for two deliveries of one event, portal and `data`; robot calls are never coalesced. */
export const coalesceHash = (item: B24HandoffItem) => digest([item.name, item.memberId, item.form.data ?? null]);

export function jobData(item: B24HandoffItem, coalesce: string | undefined): B24JobData {
  const data: B24JobData = {
    v: 1,
    kind: item.kind,
    name: item.name,
    memberId: item.memberId,
    form: item.form,
    receivedAt: item.receivedAt.toISOString(),
  };
  if (coalesce) data.coalesce = coalesce;
  return data;
}

/** Token values a handler's error message might repeat; scrubbed before BullMQ stores the message. */
export function secretsOf(form: FormObject): string[] {
  const found: string[] = [];
  const walk = (value: FormValue) => {
    if (typeof value === 'string') return;
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'string') {
        if ((key === 'access_token' || key === 'refresh_token' || key === 'event_token') && inner.length >= 8) found.push(inner);
      } else walk(inner);
    }
  };
  walk(form);
  return found;
}
