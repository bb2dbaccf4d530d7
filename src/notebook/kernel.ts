import * as vscode from 'vscode';
import { InputBoxPresenter } from '../presenters/input-box';
import { settledResult } from '../sandbox/run';
import type { RuntimeSession } from '../session/runtime-session';
import { DisplayIds } from './output-rules';
import { CellOutputs } from './cell-outputs';

/**
 * One notebook's kernel: a runtime of its own (its own sandbox process and namespace), cells run
 * one at a time in the order they were asked for, numbered as Jupyter numbers them. As in
 * Jupyter (ipykernel's stop_on_error), a cell that fails cancels the cells queued behind it.
 */
export class NotebookKernel implements vscode.Disposable {
  private executionCount = 0;
  /** Cells asked for and not yet started. */
  private readonly queue: vscode.NotebookCellExecution[] = [];
  private tail: Promise<void> = Promise.resolve();
  private readonly inputBox = new InputBoxPresenter();
  /** Outputs shown with a display id, which a later cell's update_display replaces. */
  private readonly displays = new DisplayIds<vscode.NotebookCellOutput>();
  private disposed = false;

  /**
   * @param name the notebook's file name, which input() boxes show with the cell asking.
   * @param notebook its URI: cells read the grants of its workspace folder, and start in its folder.
   */
  constructor(
    readonly session: RuntimeSession,
    private readonly name: string,
    private readonly notebook: vscode.Uri,
  ) {}

  /** Queues `cells` behind those already queued; resolves once they ran or were cancelled. */
  execute(cells: readonly vscode.NotebookCell[], controller: vscode.NotebookController): Promise<void> {
    for (const cell of cells) {
      const execution = controller.createNotebookCellExecution(cell);
      this.queue.push(execution);
      this.tail = this.tail.then(() => this.next(execution));
    }
    return this.tail;
  }

  /** Raises KeyboardInterrupt in the running cell, which also cancels the queued ones. */
  interrupt(): void {
    this.session.interrupt();
  }

  /** A fresh namespace: queued cells are cancelled, a running one ends, counting starts again. */
  async restart(): Promise<void> {
    this.cancelQueued();
    this.executionCount = 0;
    this.displays.clear();
    await this.session.restart();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelQueued();
    this.session.dispose();
  }

  private async next(execution: vscode.NotebookCellExecution): Promise<void> {
    const index = this.queue.indexOf(execution);
    if (index === -1) return; // cancelled while it waited
    this.queue.splice(index, 1);
    let succeeded = false;
    try {
      succeeded = await this.run(execution);
    } catch (error) {
      this.report(error); // the chain goes on
    } finally {
      if (!succeeded) this.cancelQueued();
    }
  }

  /** A failure on VS Code's side of an execution; one of a closed notebook is no news. */
  private report(error: unknown): void {
    if (!this.disposed)
      void vscode.window.showErrorMessage(`Python Sandbox kernel: ${error instanceof Error ? error.message : String(error)}`);
  }

  private cancelQueued(): void {
    for (const execution of this.queue.splice(0)) execution.end(undefined);
  }

  /** Runs one cell; true when it succeeded. */
  private async run(execution: vscode.NotebookCellExecution): Promise<boolean> {
    const count = ++this.executionCount;
    const code = execution.cell.document.getText();
    const outputs = new CellOutputs(execution, count, this.displays);
    let started = false;
    // The clock starts when the code reaches the sandbox, not while the runtime starts.
    const start = (): void => {
      if (started) return;
      started = true;
      execution.executionOrder = count;
      execution.start(Date.now());
      if (execution.cell.outputs.length > 0) outputs.clear();
    };
    const run = this.session.run('exec', code, {
      fresh: false,
      displayLastValue: 'all',
      executionCount: count,
      label: `${this.name}, cell ${execution.cell.index + 1}`,
      document: this.notebook,
    });
    run.onDidStart(start);
    run.onDidWrite(({ stream, text }) => outputs.write(stream, text));
    run.onDidDisplay((data) => outputs.display(data));
    // A terminal echoes the answer; so does a notebook.
    run.onDidAnswerInput((text) => text !== null && outputs.write('stdout', `${text}\n`));
    this.inputBox.follow(run);
    const result = await settledResult(run);
    start();
    if (result.outputFiles?.length || result.outputFilesOmitted)
      outputs.files({ files: result.outputFiles ?? [], omitted: result.outputFilesOmitted ?? 0 });
    if (result.error) outputs.error(result.error, code);
    if (result.truncated) outputs.write('stderr', '\n[output truncated: pythonSandbox.maxOutputBytes]\n');
    // VS Code applies output edits in order and the end after them: no need to wait for them.
    execution.end(!result.error, Date.now());
    outputs.settled().catch((error: unknown) => this.report(error));
    return !result.error;
  }
}
