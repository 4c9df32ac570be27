import { parseArgs, type ParseArgsConfig } from 'node:util';
import { B24TestingError } from '../errors.js';
import type { SendResult } from '../send.js';

/** Exit codes of the `b24hooks` CLI; `--help` prints the same table. */
export const EXIT = {
  /** Delivered; the receiver answered 2xx. */
  OK: 0,
  /** Delivered; the receiver answered with another status. */
  REFUSED_BY_RECEIVER: 1,
  /** Bad command line: unknown command or option, missing argument. */
  USAGE: 2,
  /** The event name is not in the registry. */
  UNKNOWN_EVENT: 3,
  /** --url is not an absolute http(s) URL. */
  BAD_URL: 4,
  /** Nothing listens at the URL (connection refused). */
  CONNECTION_REFUSED: 5,
  /** Other network failure: host not found, reset, timeout. */
  NETWORK: 6,
  /** The replay file cannot be read, or its JSON is invalid. */
  BAD_FILE: 7,
  /** queue: Redis did not answer, or @b24hooks/bullmq is not installed. */
  QUEUE_UNAVAILABLE: 8,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  delivered, the receiver answered 2xx
  1  delivered, the receiver answered another status (printed)
  2  bad command line (unknown command or option, missing argument)
  3  unknown event name (not in the registry; see \`b24hooks events\`)
  4  bad URL (not an absolute http:// or https:// URL)
  5  connection refused (nothing listens at that host and port)
  6  other network failure (host not found, connection reset, timeout)
  7  replay file unreadable, or not valid JSON
  8  queue: Redis unreachable, or @b24hooks/bullmq not installed`;

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Reads a file, or standard input for `-`. */
  readFile(path: string): Promise<Uint8Array>;
}

/** An error that ends the command with `exitCode` after printing `message` to stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function usageError(message: string, command: string): CliError {
  return new CliError(EXIT.USAGE, `${message}\nRun \`b24hooks ${command} --help\` for usage.`);
}

const TESTING_EXIT: Record<B24TestingError['code'], number> = {
  UNKNOWN_EVENT: EXIT.UNKNOWN_EVENT,
  BAD_URL: EXIT.BAD_URL,
  CONNECTION_REFUSED: EXIT.CONNECTION_REFUSED,
  NETWORK: EXIT.NETWORK,
};

/** The exit code and message of any failure. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof B24TestingError) return new CliError(TESTING_EXIT[error.code], error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(EXIT.USAGE, message);
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
type CommandConfig<O extends OptionsConfig> = { args: string[]; options: O & typeof HELP_OPTION; allowPositionals: true; strict: true };
export type ParsedCommand<O extends OptionsConfig> = ReturnType<typeof parseArgs<CommandConfig<O>>>;

export interface CommandSpec<O extends OptionsConfig> {
  name: string;
  options: O;
  help: string;
}

/**
 * Parses a command's arguments (plus `-h`/`--help`, which prints `help` and gives `undefined`);
 * an unknown option or a missing value is a usage error.
 */
export function readCommand<const O extends OptionsConfig>(spec: CommandSpec<O>, args: string[], io: CliIO): ParsedCommand<O> | undefined {
  let parsed: ParsedCommand<O>;
  try {
    parsed = parseArgs({ args, options: { ...spec.options, ...HELP_OPTION }, allowPositionals: true, strict: true } as CommandConfig<O>);
  } catch (error) {
    throw usageError((error as Error).message, spec.name);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(spec.help);
    return undefined;
  }
  return parsed;
}

/** The one positional argument a command takes. */
export function onlyPositional(positionals: string[], command: string, missing: string): string {
  const [first, ...extra] = positionals;
  if (!first) throw usageError(missing, command);
  if (extra.length) throw usageError(`Unexpected argument "${extra[0]}": ${command} takes one.`, command);
  return first;
}

export function requireUrl(url: string | undefined, command: string): string {
  if (!url) throw usageError('--url is required: where your receiver listens, e.g. --url http://localhost:3000/b24', command);
  return url;
}

export function timeoutOf(value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw usageError(`--timeout takes milliseconds (a positive integer), got "${value}"`, command);
  return ms;
}

/** Prints the answer: status on the first line, the body after it; 2xx → 0, else 1. */
export function report(io: CliIO, result: SendResult): number {
  io.stdout.write(`HTTP ${result.status}\n`);
  if (result.text) io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
  return result.status >= 200 && result.status < 300 ? EXIT.OK : EXIT.REFUSED_BY_RECEIVER;
}
