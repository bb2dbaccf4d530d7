import * as vscode from 'vscode';
import type { SandboxStatus } from '../sandbox/client';
import type { IsolationLevel } from '../sandbox/transport/transport';

/** How each isolation level is described to people. */
export const ISOLATION_LABELS: Record<IsolationLevel, string> = {
  process: 'locked-down process',
  'process-no-fs-permissions': 'process, no file-system permissions',
  'browser-worker': 'browser worker (no host files or processes)',
  worker: 'worker thread only (weakest)',
};

/** What the status bar follows: a runtime's status and its changes. */
export interface StatusSource {
  readonly status: SandboxStatus;
  readonly onDidChangeStatus: vscode.Event<SandboxStatus>;
}

/**
 * The runtime's state at a glance, with the runs queued behind the one that runs. It shows while
 * a Python editor or a notebook is active, or while code runs or waits to: elsewhere it has
 * nothing to say.
 */
export class StatusBarPresenter implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pythonSandbox.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];
  private status: SandboxStatus;
  private pythonEditor = isPython(vscode.window.activeTextEditor);

  /**
   * @param clickCommand what a click does (interrupt while running, else show the output).
   * @param onRunning told whether code runs, for `when` clauses.
   */
  constructor(
    source: StatusSource,
    clickCommand: string,
    private readonly onRunning: (running: boolean) => void,
  ) {
    this.item.name = 'Python Sandbox';
    this.item.command = clickCommand;
    this.status = source.status;
    this.subscriptions = [
      source.onDidChangeStatus((status) => this.update(status)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // The Output panel is a text editor too, which says nothing about what the user works on.
        if (editor?.document.uri.scheme === 'output') return;
        this.pythonEditor = isPython(editor);
        this.showOrHide();
      }),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.showOrHide()),
      // A document whose language is set (an untitled one made Python) opens again with it.
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document !== vscode.window.activeTextEditor?.document) return;
        this.pythonEditor = isPython(vscode.window.activeTextEditor);
        this.showOrHide();
      }),
    ];
    this.update(source.status);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }

  private showOrHide(): void {
    const busy = this.status.state === 'running' || this.status.queued > 0;
    if (busy || this.pythonEditor || vscode.window.activeNotebookEditor) this.item.show();
    else this.item.hide();
  }

  private update(status: SandboxStatus): void {
    this.status = status;
    const { state, queued, info } = status;
    const queue = queued > 0 ? ` (+${queued} queued)` : '';
    const icons = { stopped: '$(circle-slash)', starting: '$(sync~spin)', ready: '$(check)', running: '$(loading~spin)' };
    this.item.text = `${icons[state]} Python Sandbox${queue}`;
    const isolation = info
      ? `${ISOLATION_LABELS[info.isolation]}${info.osIsolated ? ' in Linux namespaces (no network, no other processes)' : ''}`
      : 'not started';
    const action = state === 'running' ? 'Click to interrupt.' : 'Click to show output.';
    const versions = info ? `\nPython ${info.runtime.pythonVersion}, Pyodide ${info.runtime.pyodideVersion}` : '';
    this.item.tooltip = `Python Sandbox: ${state}${queue}\nIsolation: ${isolation}${versions}\n${action}`;
    this.item.backgroundColor = info?.isolation === 'worker' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.onRunning(state === 'running');
    this.showOrHide();
  }
}

function isPython(editor: vscode.TextEditor | undefined): boolean {
  return editor?.document.languageId === 'python';
}
