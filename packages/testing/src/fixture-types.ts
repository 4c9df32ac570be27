import type { FormValue } from '@b24hooks/core';

/** One registry event's fixture data, as written by scripts/generate-fixtures.mjs. */
export interface EventFixture {
  /** The registry name (a suffixed family's bare name, e.g. `ONCRMDYNAMICITEMADD`). */
  readonly name: string;
  /**
   * `true`: delivered to an application with OAuth fields (access_token, refresh_token, ...), as
   * the event's documented example shows. `false`: only the five keys every delivery carries.
   */
  readonly oauth: boolean;
  /** The documented `data` block, every value a string as PHP delivers it. */
  readonly data: FormValue;
  /** For a suffixed family: where `data` repeats the suffix (`ONCRMDYNAMICITEMADD_147` → FIELDS.ENTITY_TYPE_ID). */
  readonly suffixPath?: readonly string[];
}
