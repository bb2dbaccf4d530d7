import * as vscode from 'vscode';
import type { VariableTablePresenter } from '../presenters/variable-table';
import type { NodePath } from '../presenters/variables-model';
import type { VariablesTreeNode, VariablesViewPresenter } from '../presenters/variables-view';
import { CommandIds } from './ids';

/**
 * The Variables view's commands: refresh, the filter of modules, functions and classes, "Show
 * more", a value as a table; and the hidden ones that say what the view and the last table show.
 */
export function registerVariablesCommands(view: VariablesViewPresenter, tables: VariableTablePresenter): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.refreshVariables, () => view.refresh()),
    vscode.commands.registerCommand(CommandIds.showAllVariables, () => view.setHidden(false)),
    vscode.commands.registerCommand(CommandIds.hideModulesFunctionsClasses, () => view.setHidden(true)),
    vscode.commands.registerCommand(CommandIds.variablesMore, (node: VariablesTreeNode) => view.more(node)),
    // From the view, with its node; from a test, with the path in the followed runtime.
    vscode.commands.registerCommand(CommandIds.showVariableTable, async (target?: VariablesTreeNode | { path: NodePath }) => {
      if (target && 'kind' in target) {
        if (target.kind === 'variable') await tables.show(target.runtime, target.path, target.expression);
        return;
      }
      const runtime = view.followed;
      if (runtime && target?.path.length) await tables.show(runtime, target.path, target.path.join('.'));
    }),
    vscode.commands.registerCommand(CommandIds.variablesShown, (expand?: NodePath[]) => view.snapshot(expand)),
    vscode.commands.registerCommand(CommandIds.variableTableShown, () => tables.lastShown()),
  );
}
