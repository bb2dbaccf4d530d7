import * as vscode from 'vscode';
import type { DisplayData, PythonError, StreamName } from '../sandbox/protocol';
import { outputFilesOutput, type OutputFilesData } from './output-files';
import { CellOutputSequence, type DisplayIds, type NewOutput, type OutputTarget } from './output-rules';

/** A display bundle's items as notebook output items, one per MIME type. */
function outputItems(data: DisplayData): vscode.NotebookCellOutputItem[] {
  const encoder = new TextEncoder();
  return data.items.map(
    (item) =>
      new vscode.NotebookCellOutputItem(
        item.encoding === 'base64' ? Buffer.from(item.data, 'base64') : encoder.encode(item.data),
        item.mime,
      ),
  );
}

/** A new output as VS Code's notebook output, saved to .ipynb as Jupyter saves it. */
function notebookOutput(output: NewOutput): vscode.NotebookCellOutput {
  switch (output.type) {
    case 'stream':
      return new vscode.NotebookCellOutput([streamItem(output.name, output.text)]);
    case 'display': {
      // The .ipynb serializer reads `outputType` (and `executionCount`) to write Jupyter's output types.
      const metadata =
        output.data.kind === 'result'
          ? { outputType: 'execute_result', executionCount: output.executionCount }
          : { outputType: 'display_data' };
      return new vscode.NotebookCellOutput(outputItems(output.data), metadata);
    }
    case 'error': {
      const { name, message, traceback } = output.error;
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message, stack: traceback })]);
    }
  }
}

function streamItem(name: StreamName, text: string): vscode.NotebookCellOutputItem {
  return name === 'stdout' ? vscode.NotebookCellOutputItem.stdout(text) : vscode.NotebookCellOutputItem.stderr(text);
}

/**
 * Writes one cell's outputs as its run goes, in the order they come, by Jupyter's rules
 * (output-rules.ts). Edits are queued by VS Code in call order; `settled` waits until they
 * are all applied. Updates of displays in other cells go through this cell's execution, which
 * VS Code lets edit any output of the notebook while it runs.
 */
export class CellOutputs {
  private readonly edits: Thenable<void>[] = [];
  private readonly sequence: CellOutputSequence<vscode.NotebookCellOutput>;

  /** @param displays the notebook's outputs by display id, shared by its cells. */
  constructor(
    private readonly execution: vscode.NotebookCellExecution,
    executionCount: number,
    displays: DisplayIds<vscode.NotebookCellOutput>,
  ) {
    const edit = (done: Thenable<void>): void => void this.edits.push(done);
    const target: OutputTarget<vscode.NotebookCellOutput> = {
      append: (output) => {
        const made = notebookOutput(output);
        edit(execution.appendOutput(made));
        return made;
      },
      extend: (handle, name, text) => edit(execution.appendOutputItems(streamItem(name, text), handle)),
      replace: (handle, data) => edit(execution.replaceOutputItems(outputItems(data), handle)),
      clear: () => edit(execution.clearOutput()),
    };
    this.sequence = new CellOutputSequence(target, executionCount, displays);
  }

  /** Removes what an earlier execution left. */
  clear(): void {
    this.sequence.clear();
  }

  write(stream: StreamName, text: string): void {
    this.sequence.write(stream, text);
  }

  display(data: DisplayData): void {
    this.sequence.display(data);
  }

  /** The files the cell wrote under output/, with Save… and Open: an output of their own, once the run has ended. */
  files(data: OutputFilesData): void {
    this.edits.push(this.execution.appendOutput(outputFilesOutput(data)));
  }

  /** The error that ended the cell, with the traceback in the cell's own lines. */
  error(error: PythonError, source: string): void {
    this.sequence.error(error, source);
  }

  async settled(): Promise<void> {
    await Promise.all(this.edits);
  }
}
