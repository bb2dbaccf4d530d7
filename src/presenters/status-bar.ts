import * as vscode from 'vscode';
import type { SandboxStatus } from '../sandbox/client';
import type { IsolationLevel } from '../sandbox/transport/transport';

/** How each isolation level is described to people. */
export const ISOLATION_LABELS: Record<IsolationLevel, string> = {
  process: 'locked-down process',
  'process-no-fs-permissions': 'process, no file-system permissions',
  worker: 'worker thread only (weakest)',
};

/** What the status bar follows: a runtime's status and its changes. */
export interface StatusSource {
  readonly status: SandboxStatus;
  readonly onDidChangeStatus: vscode.Event<SandboxStatus>;
}

/** The runtime's state at a glance, with the runs queued behind the one that runs. */
export class StatusBarPresenter implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pythonSandbox.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

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
    this.subscription = source.onDidChangeStatus((status) => this.update(status));
    this.update(source.status);
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private update({ state, queued, info }: SandboxStatus): void {
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
  }
}
