import * as vscode from 'vscode';
import { ISOLATION_LABELS } from '../presenters/isolation-text';
import type { SandboxState, SandboxStatus } from '../sandbox/client';

/** Jupyter's words for a kernel's state. */
const STATES: Record<SandboxState, { readonly icon: string; readonly word: string }> = {
  stopped: { icon: '$(circle-outline)', word: 'not started' },
  starting: { icon: '$(sync~spin)', word: 'starting' },
  ready: { icon: '$(circle-large-outline)', word: 'idle' },
  running: { icon: '$(circle-large-filled)', word: 'busy' },
};

/** The state of the active notebook's Python Sandbox kernel, with its isolation in the tooltip. */
export class KernelStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pythonSandbox.kernelStatus', vscode.StatusBarAlignment.Left, 9);

  constructor() {
    this.item.name = 'Python Sandbox Kernel';
  }

  /** Shows `status`, or hides the item when the active notebook has no such kernel. */
  show(status: SandboxStatus | undefined): void {
    if (!status) {
      this.item.hide();
      return;
    }
    const { icon, word } = STATES[status.state];
    const queue = status.queued > 0 ? ` (+${status.queued} queued)` : '';
    this.item.text = `${icon} Python Sandbox kernel: ${word}${queue}`;
    const isolation = status.info ? ISOLATION_LABELS[status.info.isolation] : 'not started';
    const versions = status.info ? `\nPython ${status.info.runtime.pythonVersion}, Pyodide ${status.info.runtime.pyodideVersion}` : '';
    this.item.tooltip = `Notebook kernel: ${word}${queue}\nIsolation: ${isolation}${versions}`;
    this.item.backgroundColor = status.info?.isolation === 'worker' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
