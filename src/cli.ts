/**
 * The headless way in: `npm run -s sandbox -- [options] exec|eval CODE` (CODE `-` reads stdin),
 * and `npm run -s sandbox -- notebook IN.ipynb [options]` (cli-notebook.ts).
 * Exit codes: 0 ok, 1 Python error, 2 bad usage, no sandbox, or a package that cannot be had.
 */
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { notebookCommand } from './cli-notebook';
import { PACKAGE_ARGS, packageOptions, PACKAGE_USAGE, type PackageCommand } from './packages/cli-options';
import { SandboxError, type RunOptions } from './sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from './sandbox/node-client';
import type { RunMode } from './sandbox/protocol';
import { formatError, toContract } from './sandbox/result';
import { quoteUntrusted } from './sandbox/untrusted-text';

const USAGE = `usage: npm run -s sandbox -- [options] exec|eval CODE
       npm run -s sandbox -- notebook IN.ipynb [options]   (--help for its options)
  CODE               Python source; - reads it from stdin
  --json             print one line, {"ok": ...} or {"err": ...}, and nothing else
  --timeout-ms N     stop the run after N ms (default: no limit)
  --memory-mb N      cap Python's memory (default 1024)
  --isolation MODE   process (default) or worker
${PACKAGE_USAGE}
exit status: 0 ok, 1 Python error, 2 bad usage, the sandbox could not start, or a package could not be had`;

class UsageError extends Error {}

interface Command {
  readonly mode: RunMode;
  readonly code: string;
  readonly json: boolean;
  readonly timeoutMs?: number;
  readonly sandbox: NodeSandboxOptions;
  /** Answers input() with lines of stdin, unless stdin held the code. */
  readonly readLine?: () => Promise<string | null>;
  readonly packages: PackageCommand;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} takes a positive whole number, not '${value}'`);
  return n;
}

async function parse(argv: string[]): Promise<Command> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'timeout-ms': { type: 'string' },
      'memory-mb': { type: 'string' },
      isolation: { type: 'string', default: 'process' },
      help: { type: 'boolean', short: 'h', default: false },
      ...PACKAGE_ARGS,
    },
  });
  if (values.help) throw new UsageError('');
  const [mode, source, ...rest] = positionals;
  if (mode !== 'exec' && mode !== 'eval')
    throw new UsageError(`expected exec or eval, not ${mode === undefined ? 'nothing' : `'${mode}'`}`);
  if (source === undefined || rest.length > 0)
    throw new UsageError('expected exactly one CODE argument (quote it, or pass - to read stdin)');
  if (values.isolation !== 'process' && values.isolation !== 'worker')
    throw new UsageError(`--isolation is process or worker, not '${values.isolation}'`);
  const memoryLimitMb = positiveInt('memory-mb', values['memory-mb']);
  let packages: PackageCommand;
  try {
    packages = packageOptions(values);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    mode,
    packages,
    code: source === '-' ? await readAll(process.stdin) : source,
    json: values.json,
    timeoutMs: positiveInt('timeout-ms', values['timeout-ms']),
    sandbox: {
      isolation: values.isolation,
      ...(memoryLimitMb ? { memoryLimitMb } : {}),
      input: source !== '-',
      packageCacheDir: packages.cacheRoot,
    },
    // input() reads stdin unless stdin already held the code.
    readLine: source === '-' ? undefined : lineReader(),
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers input() with lines of stdin, opened on first use so an unused stdin is left alone. */
function lineReader(): () => Promise<string | null> {
  let lines: AsyncIterator<string> | undefined;
  return async () => {
    lines ??= readline.createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
    const next = await lines.next();
    return next.done ? null : next.value;
  };
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = await parse(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(message ? `${message}\n${USAGE}\n` : `${USAGE}\n`);
    return error instanceof UsageError && !message ? 0 : 2;
  }
  const client = createNodeClient(command.sandbox);
  try {
    const options: RunOptions = { timeoutMs: command.timeoutMs, packages: command.packages.preparer(command.code) };
    const run = client.run(command.mode, command.code, options);
    if (!command.json) run.onDidWrite(({ stream, text }) => process[stream].write(text));
    const { readLine } = command;
    if (readLine) run.onDidRequestInput((request) => void readLine().then((line) => request.reply(line)));
    const result = await run.result;
    if (command.json) {
      process.stdout.write(`${JSON.stringify(toContract(result))}\n`);
    } else if (result.error) {
      process.stderr.write(`${formatError(result.error)}\n`);
    } else if (result.mode === 'eval') {
      process.stdout.write(`${result.value}\n`);
    }
    if (result.truncated && !command.json) process.stderr.write('[output truncated]\n');
    // A package that could not be had is like a sandbox that could not start: the code never ran.
    if (result.packagesFailed) return 2;
    return result.error ? 1 : 0;
  } catch (error) {
    const message = error instanceof SandboxError ? `SandboxError: ${error.message}` : String(error);
    process.stderr.write(`${message}\n`);
    // The sandbox's own words, kept apart from ours: it may be compromised.
    if (error instanceof SandboxError && error.reported) {
      process.stderr.write(`the sandbox's own report (untrusted):\n${quoteUntrusted(error.reported)}\n`);
    }
    if (command.json) process.stdout.write(`${JSON.stringify({ err: message })}\n`);
    return 2;
  } finally {
    client.dispose();
  }
}

const argv = process.argv.slice(2);
void (argv[0] === 'notebook' ? notebookCommand(argv.slice(1)) : main(argv)).then((code) => {
  process.exitCode = code;
  // Stdin may still be open for input(); nothing more will be read.
  process.stdin.destroy();
});
