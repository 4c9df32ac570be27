import { b24hooks } from '@b24hooks/express';
import express5 from 'express';
import express4 from 'express4';
import { hookPath, RECEIVER_SETUPS, type ParserSetup } from '../cases.js';
import { listen, type ConformanceTarget } from './types.js';

type ExpressModule = typeof express5;

function expressTarget(name: string, express: ExpressModule, parser?: Extract<ParserSetup, `urlencoded-${string}`>): ConformanceTarget {
  return {
    name,
    ...(parser ? { parser } : {}),
    async start(receivers) {
      const app = express();
      if (parser) app.use(express.urlencoded({ extended: parser === 'urlencoded-extended' }));
      // app.use, not app.post: a GET must reach b24hooks to get its 405.
      for (const setup of RECEIVER_SETUPS) app.use(hookPath(setup), b24hooks(receivers[setup].receiver));
      return listen(app);
    },
  };
}

export const EXPRESS_TARGETS: readonly ConformanceTarget[] = [
  expressTarget('Express 4', express4),
  expressTarget('Express 5', express5),
];

export const EXPRESS_PARSER_TARGETS: readonly ConformanceTarget[] = [
  expressTarget('Express 4 + express.urlencoded({ extended: false })', express4, 'urlencoded-flat'),
  expressTarget('Express 4 + express.urlencoded({ extended: true })', express4, 'urlencoded-extended'),
  expressTarget('Express 5 + express.urlencoded({ extended: false })', express5, 'urlencoded-flat'),
  expressTarget('Express 5 + express.urlencoded({ extended: true })', express5, 'urlencoded-extended'),
];
