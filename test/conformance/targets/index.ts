import { EXPRESS_PARSER_TARGETS, EXPRESS_TARGETS } from './express.js';
import { KOA_PARSER_TARGETS, KOA_TARGETS } from './koa.js';
import type { ConformanceTarget } from './types.js';

export type { ConformanceTarget, RunningTarget } from './types.js';
export { listen } from './types.js';

/** Every framework the suite runs plain (no body parser before b24hooks). Add new adapters here. */
export const TARGETS: readonly ConformanceTarget[] = [...EXPRESS_TARGETS, ...KOA_TARGETS];

/** The same frameworks with a body parser mounted first. */
export const PARSER_TARGETS: readonly ConformanceTarget[] = [...EXPRESS_PARSER_TARGETS, ...KOA_PARSER_TARGETS];
