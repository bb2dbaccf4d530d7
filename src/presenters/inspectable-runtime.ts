import type * as vscode from 'vscode';
import type { Inspection, InspectOptions, SandboxStatus } from '../sandbox/client';
import type { VariablesQuery } from '../sandbox/protocol';
import type { Run } from '../sandbox/run';

/** A runtime whose namespace the Variables view, hovers and tables read (a runtime session). */
export interface InspectableRuntime {
  /** Names it in the view ("Python Sandbox", "Python Sandbox (analysis.ipynb)"). */
  readonly label: string;
  readonly status: SandboxStatus;
  readonly onDidChangeStatus: vscode.Event<SandboxStatus>;
  readonly onDidCreateRun: vscode.Event<{ readonly run: Run }>;
  /** Reads its namespace between runs; never starts it, never rejects. */
  inspect(query: VariablesQuery, options?: InspectOptions): Promise<Inspection>;
}

/** Which runtime holds the namespace of an editor or a notebook. */
export interface RuntimeDirectory {
  /** The runtime Python editors run in. */
  readonly editor: InspectableRuntime;
  /** A notebook's kernel, when the notebook runs on the Python Sandbox kernel. */
  forNotebook(notebook: vscode.NotebookDocument): InspectableRuntime | undefined;
  /** Fires when a notebook gets a kernel or loses one. */
  readonly onDidChange: vscode.Event<void>;
}

/** The runtime of a document: its notebook's kernel for a cell, the editor's for any other Python document. */
export function runtimeOfDocument(
  directory: RuntimeDirectory,
  document: vscode.TextDocument,
  notebooks: readonly vscode.NotebookDocument[],
): InspectableRuntime | undefined {
  const notebook = notebooks.find((candidate) => candidate.getCells().some((cell) => cell.document === document));
  return notebook ? directory.forNotebook(notebook) : directory.editor;
}
