import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import type { Settings } from '../config';
import { ISOLATION_LABELS } from '../presenters/status-bar';
import type { IsolationLevel } from '../sandbox/transport/transport';
import type { RuntimeSession } from '../session/runtime-session';
import { NotebookKernel } from './kernel';
import { KernelStatusItem } from './kernel-status';

/** Controller ids: one per notebook type (ids are unique per extension). */
export const KERNEL_IDS = { 'jupyter-notebook': 'python-sandbox-kernel', interactive: 'python-sandbox-interactive' } as const;

const LABEL = 'Python Sandbox';

/** What the kernel picker says of the kernel: what it is, and how it is isolated. */
function detailFor(level: IsolationLevel): string {
  return `CPython in WebAssembly (Pyodide), with the packages its cells import; no host files, network, environment or processes. Isolation: ${ISOLATION_LABELS[level]}.`;
}

/**
 * The "Python Sandbox" notebook kernel: a NotebookController for Jupyter notebooks (VS Code's
 * built-in .ipynb serializer) and the interactive window. Every notebook gets a kernel of its
 * own, made when the controller is selected for it (or at its first run) and disposed with
 * the notebook, or when another kernel is selected.
 */
export class SandboxNotebookKernels implements vscode.Disposable {
  private readonly kernels = new Map<string, NotebookKernel>();
  private readonly controllers: vscode.NotebookController[];
  private readonly status = new KernelStatusItem();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly kernelsChanged = new vscode.EventEmitter<void>();
  /** Fires when a notebook gets a kernel or loses one. */
  readonly onDidChangeKernels = this.kernelsChanged.event;

  /**
   * @param createSession a runtime for a notebook, labelled for messages.
   * @param settings the current settings (prewarm, isolation).
   */
  constructor(
    private readonly createSession: (label: string) => RuntimeSession,
    private readonly settings: () => Settings,
  ) {
    this.controllers = Object.entries(KERNEL_IDS).map(([type, id]) => this.createController(id, type));
    this.subscriptions.push(
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.disposeKernel(notebook)),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.showStatus()),
      vscode.commands.registerCommand(CommandIds.restartKernel, (context?: { notebookEditor?: { notebookUri?: vscode.Uri } }) =>
        this.restart(context?.notebookEditor?.notebookUri),
      ),
      vscode.commands.registerCommand(CommandIds.kernelInfo, (uri: vscode.Uri) => this.info(uri)),
    );
  }

  /** The runtime of a notebook's kernel, when it has one. */
  sessionFor(notebook: vscode.NotebookDocument): RuntimeSession | undefined {
    return this.kernels.get(notebook.uri.toString())?.session;
  }

  dispose(): void {
    for (const kernel of this.kernels.values()) kernel.dispose();
    this.kernels.clear();
    for (const disposable of [...this.controllers, ...this.subscriptions, this.status, this.kernelsChanged]) disposable.dispose();
  }

  private createController(id: string, notebookType: string): vscode.NotebookController {
    const controller = vscode.notebooks.createNotebookController(id, notebookType, LABEL);
    controller.supportedLanguages = ['python'];
    controller.supportsExecutionOrder = true;
    controller.description = 'sandboxed, no Python install needed';
    controller.detail = detailFor(this.settings().isolation);
    controller.executeHandler = (cells, notebook) => this.kernelFor(notebook).execute(cells, controller);
    controller.interruptHandler = (notebook) => this.kernels.get(notebook.uri.toString())?.interrupt();
    this.subscriptions.push(
      controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (!selected) this.disposeKernel(notebook);
        else if (this.settings().prewarm === 'onPythonEditor') this.kernelFor(notebook).session.warmUp();
        this.showStatus();
      }),
    );
    return controller;
  }

  private kernelFor(notebook: vscode.NotebookDocument): NotebookKernel {
    const key = notebook.uri.toString();
    let kernel = this.kernels.get(key);
    if (!kernel) {
      const name = notebook.uri.path.slice(notebook.uri.path.lastIndexOf('/') + 1);
      const session = this.createSession(`${LABEL} (${name})`);
      session.onDidChangeStatus((status) => {
        // The kernel picker describes the isolation the runtime actually got.
        if (status.info) for (const controller of this.controllers) controller.detail = detailFor(status.info.isolation);
        this.showStatus();
      });
      this.kernels.set(key, (kernel = new NotebookKernel(session, name)));
      this.kernelsChanged.fire();
    }
    return kernel;
  }

  private disposeKernel(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    const kernel = this.kernels.get(key);
    kernel?.dispose();
    this.kernels.delete(key);
    if (kernel) this.kernelsChanged.fire();
    this.showStatus();
  }

  private showStatus(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    this.status.show(notebook && this.kernels.get(notebook.uri.toString())?.session.status);
  }

  /** Restarts the kernel of `uri` (from the notebook toolbar) or of the active notebook. */
  private async restart(uri: vscode.Uri | undefined): Promise<void> {
    const target = uri ?? vscode.window.activeNotebookEditor?.notebook.uri;
    const kernel = target && this.kernels.get(target.toString());
    if (!kernel) {
      vscode.window.setStatusBarMessage('Python Sandbox: this notebook has no running kernel', 3000);
      return;
    }
    await kernel.restart();
    vscode.window.setStatusBarMessage('Python Sandbox kernel restarted: a fresh namespace', 4000);
  }

  /** Facts about a notebook's kernel, for tests and support; undefined when it has none. */
  private info(uri: vscode.Uri): object | undefined {
    const status = this.kernels.get(uri.toString())?.session.status;
    return status && { state: status.state, queued: status.queued, ...status.info };
  }
}
