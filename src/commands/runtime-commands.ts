import * as vscode from 'vscode';
import { ISOLATION_LABELS } from '../presenters/isolation-text';
import type { RuntimeSession } from '../session/runtime-session';
import { CommandIds, ContextKeys } from './ids';

/**
 * Interrupt, Restart Runtime, Show Output, what the status bar item does when clicked, and the
 * `running` context key that menus and keys depend on.
 */
export function registerRuntimeCommands(session: RuntimeSession, showOutput: () => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.interrupt, () => session.interrupt()),
    vscode.commands.registerCommand(CommandIds.restart, async () => {
      const info = await session.restart();
      vscode.window.setStatusBarMessage(`Python Sandbox restarted (${ISOLATION_LABELS[info.isolation]})`, 4000);
    }),
    vscode.commands.registerCommand(CommandIds.showOutput, showOutput),
    vscode.commands.registerCommand(CommandIds.statusBarClick, () =>
      session.status.state === 'running' ? session.interrupt() : showOutput(),
    ),
    vscode.commands.registerCommand(CommandIds.runtimeInfo, () => {
      const { state, queued, info } = session.status;
      return { state, queued, ...info };
    }),
  );
}

/** Keeps the `pythonSandbox.running` context key in step with the runtime. */
export function setRunningContext(running: boolean): void {
  void vscode.commands.executeCommand('setContext', ContextKeys.running, running);
}
