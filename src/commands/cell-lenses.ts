import * as vscode from 'vscode';
import { CommandIds } from './ids';
import { findCells } from '../editor/cells';

/** "Exec Cell" and "Exec Cell and Below" above every `# %%` cell of a Python file. */
export class CellLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return findCells(document.getText().split(/\r?\n/)).flatMap((cell) => {
      const line = cell.headerLine ?? cell.startLine;
      const range = new vscode.Range(line, 0, line, 0);
      return [
        new vscode.CodeLens(range, { title: '$(play) Exec Cell', command: CommandIds.execCell, arguments: [document.uri, line] }),
        new vscode.CodeLens(range, { title: 'Exec Cell and Below', command: CommandIds.execCellAndBelow, arguments: [document.uri, line] }),
      ];
    });
  }
}
