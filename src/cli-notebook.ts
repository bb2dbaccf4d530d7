/**
 * `python-sandbox notebook IN.ipynb [options]` (`npm run -s sandbox -- notebook ...` here): runs a notebook's code cells in order on a
 * fresh kernel, in the sandbox, and saves the outputs as Jupyter saves them (what
 * `jupyter nbconvert --to notebook --execute` does, without installing Python and without giving
 * the notebook the machine). One line per cell on stderr: its number, status and duration.
 * Exit codes: 0 every cell ran, 1 a cell failed (0 with --allow-errors), 2 bad usage, an
 * unreadable notebook, or no sandbox.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { MEMORY_MB, OUTPUT_CAP, SANDBOX_ARGS, sandboxOptions, TIMEOUT_MS, UsageError } from './cli-args';
import { formatNotebook, parseNotebook, type Notebook } from './notebook/ipynb';
import { runNotebook } from './notebook/run-notebook';
import { PACKAGE_USAGE, type PackageCommand } from './packages/cli-options';
import { runFooter } from './presenters/format';
import { SandboxError } from './sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from './sandbox/node-client';
import { quoteUntrusted } from './sandbox/untrusted-text';

export const NOTEBOOK_USAGE = `usage: python-sandbox notebook IN.ipynb [options]   (in this repository: npm run -s sandbox -- notebook ...)
  --output OUT.ipynb where to save the executed notebook (default: IN.nbconvert.ipynb; - for stdout)
  --allow-errors     run every cell even after one fails, and exit 0
  --timeout-ms N     stop a cell after N ms (default: no limit; at most ${TIMEOUT_MS.max})
  --memory-mb N      cap Python's memory (default ${MEMORY_MB.fallback}, ${MEMORY_MB.min} to ${MEMORY_MB.max})
  --max-output-bytes N
                     keep N bytes of each cell's output (default ${OUTPUT_CAP.fallback}, at most ${OUTPUT_CAP.max})
  --isolation MODE   process (default) or worker
${PACKAGE_USAGE}
  -h, --help         print this text
exit status: 0 every cell ran, 1 a cell failed, 2 bad usage, an unreadable notebook, or no sandbox`;

interface NotebookCommand {
  readonly input: string;
  readonly output: string;
  readonly allowErrors: boolean;
  readonly timeoutMs?: number;
  readonly sandbox: NodeSandboxOptions;
  readonly packages: PackageCommand;
}

/** Not a run: the usage text was asked for. */
class Answered extends Error {}

function parse(argv: string[]): NotebookCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string' },
      'allow-errors': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...SANDBOX_ARGS,
    },
  });
  if (values.help) throw new Answered(NOTEBOOK_USAGE);
  if (positionals.length !== 1) throw new UsageError('expected exactly one notebook (IN.ipynb)');
  const [input] = positionals;
  return {
    input,
    output: values.output ?? input.replace(/(\.ipynb)?$/, '.nbconvert.ipynb'),
    allowErrors: values['allow-errors'],
    ...sandboxOptions(values),
  };
}

/** Runs the notebook command; resolves to the exit code. */
export async function notebookCommand(argv: string[]): Promise<number> {
  let command: NotebookCommand;
  let notebook: Notebook;
  try {
    command = parse(argv);
    notebook = parseNotebook(fs.readFileSync(command.input, 'utf8'));
  } catch (error) {
    if (error instanceof Answered) {
      process.stdout.write(`${error.message}\n`);
      return 0;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof UsageError ? `${message}\n${NOTEBOOK_USAGE}\n` : `${message}\n`);
    return 2;
  }
  const client = createNodeClient(command.sandbox);
  try {
    const failed = await runNotebook(client, notebook, {
      allowErrors: command.allowErrors,
      timeoutMs: command.timeoutMs,
      packages: (code) => command.packages.preparer(code),
      onCell: ({ executionCount, cell, result }) => {
        const errorLine = result.error?.frames.at(-1)?.line;
        process.stderr.write(`In [${executionCount}] (cell ${cell}): ${runFooter(result, errorLine)}\n`);
      },
    });
    const text = formatNotebook(notebook);
    if (command.output === '-') process.stdout.write(text);
    else fs.writeFileSync(command.output, text);
    return failed && !command.allowErrors ? 1 : 0;
  } catch (error) {
    process.stderr.write(`${error instanceof SandboxError ? `SandboxError: ${error.message}` : String(error)}\n`);
    if (error instanceof SandboxError && error.reported) {
      process.stderr.write(`the sandbox's own report (untrusted):\n${quoteUntrusted(error.reported)}\n`);
    }
    return 2;
  } finally {
    client.dispose();
  }
}
