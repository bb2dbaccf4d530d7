/**
 * Runs a notebook file's code cells in order on one sandbox client, as `jupyter nbconvert
 * --execute` does, writing each cell's outputs and count into it by the notebook rules
 * (output-rules.ts, ipynb.ts). The CLI's notebook command uses it, and so do the tests that
 * compare the kernel with Jupyter. No `vscode` import.
 */
import type { PreparePackages } from '../sandbox/package-memory';
import { SandboxError, type SandboxClient } from '../sandbox/client';
import { failure, type RunResult } from '../sandbox/result';
import type { Run } from '../sandbox/run';
import { cellSource, cellTarget, codeCells, type JupyterOutput, type Notebook } from './ipynb';
import { CellOutputSequence, DisplayIds } from './output-rules';

export interface NotebookRunOptions {
  /** Go on after a cell fails (otherwise the cells after it are not run). */
  readonly allowErrors: boolean;
  readonly timeoutMs?: number;
  /** What loads a cell's packages (its imports, %pip install lines, ...). */
  readonly packages?: (code: string) => PreparePackages;
  /** Cells (numbered from 1 among all cells, as an editor shows them) left out of the run, as if empty. */
  readonly skip?: ReadonlySet<number>;
  /** Hears about each cell that ran: its count, its place among all cells (1-based) and its result. */
  readonly onCell?: (report: { readonly executionCount: number; readonly cell: number; readonly result: RunResult }) => void;
}

/** Runs `notebook`'s code cells; true if one failed. Empty and skipped cells are not run and get no number, as in Jupyter. */
export async function runNotebook(client: SandboxClient, notebook: Notebook, options: NotebookRunOptions): Promise<boolean> {
  const displays = new DisplayIds<JupyterOutput>();
  let count = 0;
  let failed = false;
  for (const cell of codeCells(notebook)) {
    const number = notebook.cells.indexOf(cell) + 1;
    cell.outputs = [];
    cell.execution_count = null;
    const source = cellSource(cell);
    if (!source.trim() || options.skip?.has(number) || (failed && !options.allowErrors)) continue;
    const executionCount = ++count;
    cell.execution_count = executionCount;
    const outputs = new CellOutputSequence(cellTarget(cell), executionCount, displays);
    const run = client.run('exec', source, {
      timeoutMs: options.timeoutMs,
      displayLastValue: 'all',
      executionCount,
      label: `cell ${number}`,
      packages: options.packages?.(source),
    });
    run.onDidWrite(({ stream, text }) => outputs.write(stream, text));
    run.onDidDisplay((data) => outputs.display(data));
    const result = await cellResult(run);
    if (result.error) outputs.error(result.error, source);
    if (result.truncated) outputs.write('stderr', '\n[output truncated]\n');
    failed ||= result.error !== undefined;
    options.onCell?.({ executionCount, cell: number, result });
  }
  return failed;
}

/** A cell's result; a sandbox that died under it is the cell's failure, one that could not start is the caller's. */
async function cellResult(run: Run): Promise<RunResult> {
  try {
    return await run.result;
  } catch (error) {
    if (!(error instanceof SandboxError) || !error.crashed) throw error;
    return failure(run.mode, 'SandboxError', error.message, { restarted: true });
  }
}
