import { readFile } from 'node:fs/promises';
import { call } from './call.js';
import { listEvents } from './events.js';
import { queueCommand } from './queue.js';
import { replay } from './replay.js';
import { robot } from './robot.js';
import { EXIT, EXIT_CODES_HELP, toCliError, type CliIO } from './shared.js';
import { trigger } from './trigger.js';

export const MAIN_HELP = `Usage: b24hooks <command> [options]

Test your Bitrix24 event handlers locally: post realistic deliveries to your receiver.

Commands:
  trigger <EVENT> --url <url> --token <token>   post one documented event (PHP-encoded, with auth)
  robot <CODE> --url <url> --token <token>      post one business-process robot call (--set prop=value)
  replay <file> --url <url>                     post a captured body again (form or JSON)
  events [FILTER] [--scope <scope>]              list the events b24hooks knows
  call <webhook-url>/<method> [key=value ...]    call a REST method through an incoming webhook
  queue stats|failed|retry --redis <url>         look after the @b24hooks/bullmq queue

Run \`b24hooks <command> --help\` for a command's options.
  -h, --help       this help
  -v, --version    the version of @b24hooks/testing

${EXIT_CODES_HELP}
`;

async function readInput(path: string): Promise<Uint8Array> {
  if (path !== '-') return readFile(path);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const nodeIO: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, readFile: readInput };

async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** Runs the CLI; resolves with its exit code. Never throws. */
export async function main(args: string[], io: CliIO = nodeIO): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'trigger':
        return await trigger(rest, io);
      case 'robot':
        return await robot(rest, io);
      case 'replay':
        return await replay(rest, io);
      case 'events':
        return listEvents(rest, io);
      case 'call':
        return await call(rest, io);
      case 'queue':
        return await queueCommand(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(MAIN_HELP);
        return command === undefined ? EXIT.USAGE : EXIT.OK;
      case '-v':
      case '--version':
        io.stdout.write(`${await version()}\n`);
        return EXIT.OK;
      default:
        io.stderr.write(`b24hooks: unknown command "${command}". Commands: trigger, robot, replay, events, call, queue (see b24hooks --help).\n`);
        return EXIT.USAGE;
    }
  } catch (caught) {
    const error = toCliError(caught);
    io.stderr.write(`b24hooks: ${error.message}\n`);
    return error.exitCode;
  }
}
