import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What PHP answered for one request: its result, or why it refused (e.g. json_encode on bytes that are not UTF-8). */
export type OracleAnswer<T> = { ok: true; result: T } | { ok: false; error: string };

export interface PhpOracle {
  readonly version: string;
  /** `http_build_query($value)` for each value, PHP receiving it through `json_decode($json, true)`. */
  encode(values: readonly unknown[]): Promise<OracleAnswer<string>[]>;
  /** `json_encode((object) parse_str($body))` for each body; bytes are sent as they are. */
  parse(bodies: readonly (string | Uint8Array)[]): Promise<OracleAnswer<unknown>[]>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./oracle.php', import.meta.url));
const PHP = process.env.B24HOOKS_PHP ?? 'php';
// -n: no php.ini, so a machine's settings cannot change what is compared. parse_str stops at
// max_input_vars (1,000 by default), which would cut the larger bodies.
const PHP_ARGS = ['-n', '-d', 'max_input_vars=100000', '-d', 'precision=14', '-d', 'memory_limit=2G', '-d', 'display_errors=stderr', SCRIPT];

export const PHP_MISSING_MESSAGE =
  `The PHP differential suite needs php-cli and could not run "${PHP}". ` +
  'Install it (Debian: apt-get update && apt-get install -y php-cli; .ci/run does this) or set B24HOOKS_PHP to a php binary. ' +
  'This suite never skips: without PHP nothing proves the form codec agrees with parse_str and http_build_query.';

type Request = { op: 'encode'; value: unknown } | { op: 'parse'; body?: string; body64?: string } | { op: 'version' };

/** Starts one long-running PHP process; requests go as JSON lines, a batch as one array line. */
export async function startPhpOracle(): Promise<PhpOracle> {
  const child = spawn(PHP, PHP_ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = new LineChannel(child);
  const [version] = (await lines.send([{ op: 'version' }])) as OracleAnswer<string>[];
  if (!version?.ok) throw new Error(`PHP oracle did not start: ${JSON.stringify(version)}`);
  return {
    version: version.result,
    encode: (values) => lines.send(values.map((value) => ({ op: 'encode', value }))) as Promise<OracleAnswer<string>[]>,
    parse: (bodies) =>
      lines.send(
        bodies.map((body) =>
          typeof body === 'string' ? { op: 'parse', body } : { op: 'parse', body64: Buffer.from(body).toString('base64') },
        ),
      ),
    close: () => lines.close(),
  };
}

class LineChannel {
  private readonly waiting: { resolve(answers: OracleAnswer<unknown>[]): void; reject(error: Error): void }[] = [];
  private partial: string[] = [];
  private stderr = '';
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    child.stdin.on('error', () => {}); // reported through 'error' / 'close' below
    this.exited = new Promise((resolve) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        this.fail(error.code === 'ENOENT' ? new Error(PHP_MISSING_MESSAGE) : error);
        resolve();
      });
      child.on('close', (code) => {
        this.fail(new Error(`PHP oracle exited (code ${code}): ${this.stderr.trim() || 'no message'}`));
        resolve();
      });
    });
  }

  send(requests: Request[]): Promise<OracleAnswer<unknown>[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(requests)}\n`);
    });
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }

  // Answers can be megabytes long: collect chunks and join once a newline ends the line.
  private receive(chunk: string): void {
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf('\n', start)) !== -1) {
      this.partial.push(chunk.slice(start, newline));
      this.deliver(this.partial.join(''));
      this.partial = [];
      start = newline + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.slice(start));
  }

  private deliver(line: string): void {
    const waiter = this.waiting.shift();
    if (!waiter) return;
    const parsed: unknown = JSON.parse(line);
    if (Array.isArray(parsed)) waiter.resolve(parsed as OracleAnswer<unknown>[]);
    else waiter.reject(new Error(`PHP oracle refused the request: ${line.slice(0, 500)}`));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}
