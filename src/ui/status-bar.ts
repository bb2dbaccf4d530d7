import * as vscode from 'vscode';
import { CommandIds, ContextKeys } from '../commands/ids';
import type { SandboxRuntime } from '../session/runtime';
import type { IsolationLevel } from '../sandbox/transport/transport';

/** How each isolation level is described to people. */
export const ISOLATION_LABELS: Record<IsolationLevel, string> = {
  process: 'locked-down process',
  'process-no-fs-permissions': 'process, no file-system permissions',
  worker: 'worker thread only (weakest)',
};

/** The runtime's state at a glance; a click interrupts a run, or else shows the output. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pythonSandbox.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runtime: SandboxRuntime) {
    this.item.name = 'Python Sandbox';
    this.item.command = CommandIds.statusBarClick;
    this.subscription = runtime.onDidChangeState(() => this.update());
    this.update();
    this.item.show();
  }

  /** Re-reads the runtime (state, queue, isolation). */
  update(): void {
    const { state, queued, info } = this.runtime;
    const queue = queued > 0 ? ` (+${queued} queued)` : '';
    const icons = { stopped: '$(circle-slash)', starting: '$(sync~spin)', ready: '$(check)', running: '$(loading~spin)' };
    this.item.text = `${icons[state]} Python Sandbox${queue}`;
    const isolation = info ? ISOLATION_LABELS[info.isolation] : 'not started';
    const action = state === 'running' ? 'Click to interrupt.' : 'Click to show output.';
    this.item.tooltip = `Python Sandbox: ${state}${queue}\nIsolation: ${isolation}${info ? `\nPython ${info.runtime.pythonVersion}, Pyodide ${info.runtime.pyodideVersion}` : ''}\n${action}`;
    this.item.backgroundColor = info?.isolation === 'worker' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.running, state === 'running');
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
