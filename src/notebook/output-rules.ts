/**
 * How a cell's run becomes its outputs, as Jupyter makes them: text written to a stream joins the
 * cell's last output while that is the same stream, display data and results (with the cell's
 * count) and the error get outputs of their own, `clear_output` empties the cell (with `wait`,
 * only when the next output comes), and `update_display` replaces the data of every output shown
 * with that display id, in any cell of the notebook. The notebook kernel (VS Code's outputs) and
 * the CLI's notebook command (.ipynb JSON) follow these rules through an `OutputTarget` each.
 * No `vscode` import.
 */
import type { DisplayData, PythonError, StreamName } from '../sandbox/protocol';
import { cellTraceback } from './cell-traceback';

/** An error as a notebook shows it: nbformat's ename, evalue and traceback (lines in the cell's own terms). */
export interface CellError {
  readonly name: string;
  readonly message: string;
  readonly traceback: string;
}

/** A new output of a cell. */
export type NewOutput =
  | { readonly type: 'stream'; readonly name: StreamName; readonly text: string }
  /** display_data, or execute_result with the cell's count when `data.kind` is `result`. */
  | { readonly type: 'display'; readonly data: DisplayData; readonly executionCount: number }
  | { readonly type: 'error'; readonly error: CellError };

/** Where a cell's outputs go; `H` is how the target refers to an output it made. */
export interface OutputTarget<H> {
  /** Adds an output after the others; returns its handle. */
  append(output: NewOutput): H;
  /** Adds text to the output `handle` of stream `name` (the cell's last output). */
  extend(handle: H, name: StreamName, text: string): void;
  /** Replaces the data of the display output `handle` (which may be another cell's). */
  replace(handle: H, data: DisplayData): void;
  /** Removes every output of the cell. */
  clear(): void;
}

/** A notebook's outputs shown with a display id, which `update_display` replaces; they outlive the cell that made them. */
export class DisplayIds<H> {
  private readonly shown = new Map<string, H[]>();

  add(displayId: string, handle: H): void {
    this.shown.set(displayId, [...(this.shown.get(displayId) ?? []), handle]);
  }

  get(displayId: string): readonly H[] {
    return this.shown.get(displayId) ?? [];
  }

  clear(): void {
    this.shown.clear();
  }
}

/** The error output of `error`, raised by a cell's `source` and numbered `executionCount`. */
export function cellError(error: PythonError, source: string, executionCount: number): CellError {
  return { name: error.type, message: error.message, traceback: cellTraceback(error, source, executionCount) };
}

/** One cell's run, turned into outputs by Jupyter's rules. */
export class CellOutputSequence<H> {
  private stream: { readonly name: StreamName; readonly handle: H } | undefined;
  private clearBeforeNext = false;

  constructor(
    private readonly target: OutputTarget<H>,
    private readonly executionCount: number,
    private readonly displays: DisplayIds<H>,
  ) {}

  write(name: StreamName, text: string): void {
    this.beforeOutput();
    if (this.stream?.name === name) {
      this.target.extend(this.stream.handle, name, text);
      return;
    }
    this.stream = { name, handle: this.target.append({ type: 'stream', name, text }) };
  }

  display(data: DisplayData): void {
    if (data.kind === 'clear') {
      if (data.wait) this.clearBeforeNext = true;
      else this.clear();
      return;
    }
    if (data.kind === 'update') {
      if (data.displayId !== undefined) for (const handle of this.displays.get(data.displayId)) this.target.replace(handle, data);
      return;
    }
    this.beforeOutput();
    this.stream = undefined;
    const handle = this.target.append({ type: 'display', data, executionCount: this.executionCount });
    if (data.displayId !== undefined) this.displays.add(data.displayId, handle);
  }

  /** The error that ended the cell, with the traceback in the cell's own lines. */
  error(error: PythonError, source: string): void {
    this.beforeOutput();
    this.stream = undefined;
    this.target.append({ type: 'error', error: cellError(error, source, this.executionCount) });
  }

  /** Removes what the cell shows (an earlier run's outputs, or clear_output). */
  clear(): void {
    this.clearBeforeNext = false;
    this.stream = undefined;
    this.target.clear();
  }

  private beforeOutput(): void {
    if (this.clearBeforeNext) this.clear();
  }
}
