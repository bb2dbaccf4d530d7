import * as vscode from 'vscode';
import type { OutputViewPresenter } from '../presenters/output-view';
import { CommandIds } from './ids';

/** Clear Output View (the view's title bar), and what the view holds, for tests and support. */
export function registerOutputViewCommands(view: OutputViewPresenter): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.clearOutputView, () => view.clear()),
    vscode.commands.registerCommand(CommandIds.outputViewRuns, () => view.summary()),
  );
}
