import * as vscode from 'vscode';
import type { DisplayData, PythonError, StreamName } from '../sandbox/protocol';
import { cellTraceback } from './cell-traceback';
import { outputFilesOutput, type OutputFilesData } from './output-files';

/** A display bundle as a notebook output: one item per MIME type, saved to .ipynb as Jupyter saves it. */
export function displayOutput(data: DisplayData, executionCount: number): vscode.NotebookCellOutput {
  const encoder = new TextEncoder();
  const items = data.items.map(
    (item) =>
      new vscode.NotebookCellOutputItem(
        item.encoding === 'base64' ? Buffer.from(item.data, 'base64') : encoder.encode(item.data),
        item.mime,
      ),
  );
  // The .ipynb serializer reads `outputType` (and `executionCount`) to write Jupyter's output types.
  const metadata = data.kind === 'result' ? { outputType: 'execute_result', executionCount } : { outputType: 'display_data' };
  return new vscode.NotebookCellOutput(items, metadata);
}

/**
 * Writes one cell's outputs as its run goes, in the order they come: consecutive writes to a
 * stream share one output (as in Jupyter), display data and the error get outputs of their own.
 * Edits are queued by VS Code in call order; `settled` waits until they are all applied.
 */
export class CellOutputs {
  private stream: { readonly name: StreamName; readonly output: vscode.NotebookCellOutput } | undefined;
  private readonly edits: Thenable<void>[] = [];

  constructor(
    private readonly execution: vscode.NotebookCellExecution,
    private readonly executionCount: number,
  ) {}

  /** Removes what an earlier execution left. */
  clear(): void {
    this.stream = undefined;
    this.edits.push(this.execution.clearOutput());
  }

  write(stream: StreamName, text: string): void {
    const item = stream === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
    if (this.stream?.name === stream) {
      this.edits.push(this.execution.appendOutputItems(item, this.stream.output));
      return;
    }
    const output = new vscode.NotebookCellOutput([item]);
    this.stream = { name: stream, output };
    this.edits.push(this.execution.appendOutput(output));
  }

  display(data: DisplayData): void {
    this.stream = undefined;
    this.edits.push(this.execution.appendOutput(displayOutput(data, this.executionCount)));
  }

  /** The files the cell wrote under output/, with Save… and Open. */
  files(data: OutputFilesData): void {
    this.stream = undefined;
    this.edits.push(this.execution.appendOutput(outputFilesOutput(data)));
  }

  /** The error that ended the cell, with the traceback in the cell's own lines. */
  error(error: PythonError, source: string): void {
    this.stream = undefined;
    const stack = cellTraceback(error, source, this.executionCount);
    const item = vscode.NotebookCellOutputItem.error({ name: error.type, message: error.message, stack });
    this.edits.push(this.execution.appendOutput(new vscode.NotebookCellOutput([item])));
  }

  async settled(): Promise<void> {
    await Promise.all(this.edits);
  }
}
