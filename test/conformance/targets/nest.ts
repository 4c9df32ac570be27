import { BODY_SETUP_NAMES, type BodySetup } from '../../../packages/nestjs/test/support/apps.js';
import { createHookApp, NEST_MODES, type NestMode } from '../../../packages/nestjs/test/support/hook-app.js';
import { NEST_VERSION } from '../../../packages/nestjs/test/support/nest-version.js';
import { FORM, hookPath, RECEIVER_SETUPS, type ConformanceCase } from '../cases.js';
import { listen, type ConformanceTarget } from './types.js';

export interface NestTarget extends ConformanceTarget {
  mode: NestMode;
  setup: BodySetup;
}

function nestTarget(mode: NestMode, setup: BodySetup): NestTarget {
  return {
    name: `Nest ${NEST_VERSION}, ${mode}, ${setup}`,
    mode,
    setup,
    async start(receivers) {
      const routes = RECEIVER_SETUPS.map((name) => ({
        path: hookPath(name),
        receiver: receivers[name].receiver,
        // The guarded route is the app's handler: it records the event as the receiver's handlers would.
        handle: (event: (typeof receivers)[typeof name]['events'][number]) => void receivers[name].events.push(event),
      }));
      const app = await createHookApp(mode, setup, routes);
      const running = await listen(app.getHttpAdapter().getInstance());
      return {
        url: running.url,
        async close() {
          await running.close();
          await app.close();
        },
      };
    },
  };
}

/** Every mode in every body set-up. */
export const NEST_TARGETS: readonly NestTarget[] = NEST_MODES.flatMap((mode) => BODY_SETUP_NAMES.map((setup) => nestTarget(mode, setup)));

// Nest's global parser is body-parser's json() and urlencoded({ extended: true }) with their defaults.
const NEST_PARSER_BYTES = 100 * 1024;
const NEST_PARSER_PARAMS = 1000;

/** What Nest's own parser answers before b24hooks runs (size, parameter count, bad JSON), if anything. */
export function refusedByNestParser(item: ConformanceCase): string | undefined {
  const { body, headers } = item.request;
  if (body === undefined || item.expect === 'no-answer') return undefined;
  const type = headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  if (type !== FORM && type !== 'application/json') return undefined;
  if (Buffer.byteLength(body) > NEST_PARSER_BYTES) return "Nest's body parser refuses bodies over 100 kB itself (413)";
  const text = body.toString();
  if (type === FORM && text.split('&').length > NEST_PARSER_PARAMS) return "Nest's body parser refuses more than 1,000 parameters itself (413)";
  if (type === 'application/json') {
    try {
      JSON.parse(text);
    } catch {
      return "Nest's body parser refuses malformed JSON itself (400)";
    }
  }
  return undefined;
}

/**
 * Why a case cannot get the reference answer through this target, if it cannot: with the parser
 * on, what it refuses itself; with its parsed body (no rawBody), also what qs changes, as for
 * `express.urlencoded({ extended: true })`, which is the same parser with the same options.
 */
export function lostThroughNest(target: NestTarget, item: ConformanceCase): string | undefined {
  if (target.setup === 'bodyParser: false') return undefined;
  return refusedByNestParser(item) ?? (target.setup === 'default body parser' ? item.lostBy?.['urlencoded-extended'] : undefined);
}
