/**
 * The headless way in: `python-sandbox [options] exec|eval CODE` (the npm package's bin; `npm run -s sandbox -- ...` here),
 * and `python-sandbox notebook IN.ipynb [options]` (cli-notebook.ts).
 * Exit codes: 0 ok, 1 Python error, 2 bad usage, no sandbox, or a package that cannot be had, 130 after an
 * uncaught KeyboardInterrupt (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { version as pyodideVersion } from 'pyodide/package.json';
import { version } from '../package.json';
import { asUsage, MEMORY_MB, OUTPUT_CAP, SANDBOX_ARGS, sandboxOptions, TIMEOUT_MS, UsageError } from './cli-args';
import { notebookCommand } from './cli-notebook';
import { pythonTraceback } from './cli-traceback';
import { FILE_USAGE, fileOptions, type FileCommand } from './files/cli-options';
import { PACKAGE_USAGE, type PackageCommand } from './packages/cli-options';
import { SandboxError, type RunOptions, type SandboxClient } from './sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from './sandbox/node-client';
import type { RunMode, RunScript } from './sandbox/protocol';
import type { Run } from './sandbox/run';
import { toContract } from './sandbox/result';
import { quoteUntrusted } from './sandbox/untrusted-text';
import { settingBounds } from './setting-limits';

const USAGE = `usage: python-sandbox [options] exec|eval CODE   (in this repository: npm run -s sandbox -- ...)
       python-sandbox notebook IN.ipynb [options]  (notebook --help for its options)
  CODE               Python source; - reads it from stdin; for exec, a path ending in .py runs that file,
                     with the arguments after it as sys.argv[1:] (those starting with - after --)
  --json             print one line, {"ok": ...} or {"err": ...}, and nothing else
  --timeout-ms N     stop the run after N ms (default: no limit; at most ${TIMEOUT_MS.max}, 24 hours)
  --memory-mb N      cap Python's memory (default ${MEMORY_MB.fallback}, ${MEMORY_MB.min} to ${MEMORY_MB.max})
  --max-output-bytes N
                     keep N bytes of output and drop the rest (default ${OUTPUT_CAP.fallback}, at most ${OUTPUT_CAP.max})
  --isolation MODE   process (default) or worker
${PACKAGE_USAGE}
${FILE_USAGE}
  -h, --help         print this text
  -V, --version      print the versions of python-sandbox, Pyodide and Python
exit status: 0 ok, 1 Python error, 2 bad usage, the sandbox could not start, or a package could not be had;
  130 after an uncaught KeyboardInterrupt, which Ctrl-C raises in the code`;

/** Not a run: what was asked for (--help, --version) is printed on stdout. */
class Answered extends Error {}

/** `python-sandbox 0.1.0 (Pyodide 314.0.7, Python 3.14.2)`: Python's version from the bundled lock. */
function versionText(): string {
  let python = 'unknown';
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, 'pyodide', 'pyodide-lock.json'), 'utf8')) as {
      info?: { python?: unknown };
    };
    if (typeof lock.info?.python === 'string') python = lock.info.python;
  } catch {
    // A missing lock is the sandbox's problem, said when it starts.
  }
  return `python-sandbox ${version} (Pyodide ${pyodideVersion}, Python ${python})`;
}

interface Command {
  readonly mode: RunMode;
  readonly code: string;
  /** What tracebacks call the code, as python3 does: `<string>` (CODE), `<stdin>` (-), or the file's absolute path. */
  readonly filename: string;
  /** When the code is a script file: how the sandbox runs it (`__file__`, `sys.argv`). */
  readonly script?: RunScript;
  readonly json: boolean;
  readonly timeoutMs?: number;
  readonly sandbox: NodeSandboxOptions;
  /** Answers input() with lines of stdin, unless stdin held the code. */
  readonly readLine?: () => Promise<string | null>;
  readonly packages: PackageCommand;
  readonly files: FileCommand;
}

async function parse(argv: string[]): Promise<Command> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'V', default: false },
      ...SANDBOX_ARGS,
      read: { type: 'string', multiple: true },
      'output-dir': { type: 'string' },
    },
  });
  if (values.help) throw new Answered(USAGE);
  if (values.version) throw new Answered(versionText());
  const [mode, source, ...rest] = positionals;
  if (mode !== 'exec' && mode !== 'eval')
    throw new UsageError(`expected exec or eval, not ${mode === undefined ? 'nothing' : `'${mode}'`}`);
  // A script's own arguments follow it, as with python3 (after --, those that start with -).
  if (source === undefined || (rest.length > 0 && !isScript(mode, source)))
    throw new UsageError('expected exactly one CODE argument (quote it, or pass - to read stdin); only a .py file takes arguments');
  const { sandbox, packages, timeoutMs } = sandboxOptions(values);
  const files = asUsage(() => fileOptions(values));
  return {
    mode,
    packages,
    files,
    ...(await readCode(mode, source, rest)),
    json: values.json,
    timeoutMs,
    sandbox: {
      ...sandbox,
      // Room for the folders named with --read, which the process holds besides Python's memory.
      maxReadableMb: values.read?.length ? settingBounds('files.maxReadableMb').fallback : 0,
      input: source !== '-',
    },
    // input() reads stdin unless stdin already held the code.
    readLine: source === '-' ? undefined : lineReader(),
  };
}

/** A UTF-8 byte order mark, which python3 skips at the start of a file or of stdin (not in `-c` code). */
const BOM = '\uFEFF';

/**
 * The code and the name tracebacks give it: CODE itself (`<string>`), stdin for `-` (`<stdin>`),
 * or for `exec`, a path ending in `.py` (as CODE it would be a bare attribute access, never
 * meant): that file, run as python3 runs a script.
 */
async function readCode(mode: RunMode, source: string, args: readonly string[]): Promise<Pick<Command, 'code' | 'filename' | 'script'>> {
  const withoutBom = (text: string): string => (text.startsWith(BOM) ? text.slice(BOM.length) : text);
  if (source === '-') return { code: withoutBom(await readAll(process.stdin)), filename: '<stdin>' };
  if (!isScript(mode, source)) return { code: source, filename: '<string>' };
  try {
    // python3 names a script by its absolute path in tracebacks; the sandbox, whose working
    // directory stands for the current one, makes it absolute in its own file system.
    const code = withoutBom(fs.readFileSync(source, 'utf8'));
    return { code, filename: path.resolve(source), script: { path: source, argv: [source, ...args] } };
  } catch (error) {
    throw new UsageError(`can't open file '${source}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** For exec, a CODE that is a path ending in `.py` (as code it would be a bare attribute access, never meant). */
function isScript(mode: RunMode, source: string): boolean {
  return mode === 'exec' && /^\S+\.pyw?$/.test(source);
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

/**
 * Ctrl-C (SIGINT) raises KeyboardInterrupt in the running code, as in python3, which then ends
 * with its traceback; a second Ctrl-C ends the tool at once, with its sandbox.
 */
function interruptOnCtrlC(run: Run, client: SandboxClient): { dispose(): void } {
  let presses = 0;
  const onSigint = (): void => {
    if (++presses === 1) return run.interrupt();
    client.dispose();
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  return { dispose: () => void process.off('SIGINT', onSigint) };
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = await parse(argv);
  } catch (error) {
    if (error instanceof Answered) {
      process.stdout.write(`${error.message}\n`);
      return 0;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n${USAGE}\n`);
    return 2;
  }
  const client = createNodeClient(command.sandbox);
  /** Whether --json's one line is out: a later failure (saving outputs) is said on stderr only. */
  let answered = false;
  try {
    const options: RunOptions = {
      timeoutMs: command.timeoutMs,
      packages: command.packages.preparer(command.code),
      workspace: command.files.workspace,
      script: command.script,
    };
    const run = client.run(command.mode, command.code, options);
    const ctrlC = interruptOnCtrlC(run, client);
    if (!command.json) run.onDidWrite(({ stream, text }) => process[stream].write(text));
    const { readLine } = command;
    if (readLine) run.onDidRequestInput((request) => void readLine().then((line) => request.reply(line)));
    const result = await run.result.finally(() => ctrlC.dispose());
    if (command.json) {
      process.stdout.write(`${JSON.stringify(toContract(result))}\n`);
      answered = true;
    } else if (result.error?.type === 'SystemExit') {
      // No traceback, as python3 ends: sys.exit(N) and exit() with the status (below) and nothing
      // said; sys.exit("message") with the message, and status 1.
      if (result.error.exitStatus === undefined) process.stderr.write(`${result.error.message}\n`);
    } else if (result.error) {
      process.stderr.write(pythonTraceback(result.error, command.code, command.filename));
    } else if (result.mode === 'eval') {
      process.stdout.write(`${result.value}\n`);
    }
    // Said on stderr with --json too: its stdout holds the contract's one line, and nothing else.
    if (result.truncated)
      process.stderr.write(`[output truncated: more than ${command.sandbox.maxOutputBytes} bytes; --max-output-bytes sets the cap]\n`);
    await command.files.saveOutputs(result, client, (line) => process.stderr.write(`${line}\n`));
    // Packages or files that could not be had are like a sandbox that could not start: the code never ran.
    if (result.packagesFailed || result.filesFailed) return 2;
    // As python3 ends after an uncaught KeyboardInterrupt (Ctrl-C's or the code's own): by SIGINT,
    // which shells report as 128 + 2.
    if (result.error?.type === 'KeyboardInterrupt') return 130;
    // --json keeps its err line and status 1; without it, the status the code asked for.
    if (!command.json && result.error?.exitStatus !== undefined) return result.error.exitStatus;
    return result.error ? 1 : 0;
  } catch (error) {
    const message = error instanceof SandboxError ? `SandboxError: ${error.message}` : String(error);
    process.stderr.write(`${message}\n`);
    // The sandbox's own words, kept apart from ours: it may be compromised.
    if (error instanceof SandboxError && error.reported) {
      process.stderr.write(`the sandbox's own report (untrusted):\n${quoteUntrusted(error.reported)}\n`);
    }
    if (command.json && !answered) process.stdout.write(`${JSON.stringify({ err: message })}\n`);
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
