import * as vscode from 'vscode';
import type { SandboxRuntime } from '../session/runtime';
import type { OutputView } from '../ui/output';
import { ISOLATION_LABELS } from '../ui/status-bar';
import { CommandIds } from './ids';

/** Interrupt, Restart Runtime, Show Output, and what the status bar item does when clicked. */
export function registerRuntimeCommands(runtime: SandboxRuntime, output: OutputView): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.interrupt, () => runtime.interrupt()),
    vscode.commands.registerCommand(CommandIds.restart, async () => {
      const info = await runtime.restart();
      vscode.window.setStatusBarMessage(`Python Sandbox restarted (${ISOLATION_LABELS[info.isolation]})`, 4000);
    }),
    vscode.commands.registerCommand(CommandIds.showOutput, () => output.show()),
    vscode.commands.registerCommand(CommandIds.statusBarClick, () => (runtime.state === 'running' ? runtime.interrupt() : output.show())),
    vscode.commands.registerCommand(CommandIds.runtimeInfo, () => ({ state: runtime.state, queued: runtime.queued, ...runtime.info })),
  );
}
