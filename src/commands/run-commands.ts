import * as vscode from 'vscode';
import { cellAt, findCells, type Cell } from '../editor/cells';
import { expressionAt, lineLabel, nextCodeLine, regionFromText, type CodeRegion } from '../editor/code-region';
import type { RunOrigin } from '../editor/run-origin';
import type { RunMode } from '../sandbox/protocol';
import type { RunResult } from '../sandbox/result';
import { settledResult } from '../sandbox/run';
import type { RuntimeSession } from '../session/runtime-session';
import { CommandIds } from './ids';

const documentLines = (document: vscode.TextDocument): string[] => document.getText().split(/\r?\n/);

/** The selection as code; a start preceded only by indentation takes the indentation along. */
function regionOfSelection(document: vscode.TextDocument, selection: vscode.Selection): CodeRegion {
  const lineStart = new vscode.Position(selection.start.line, 0);
  const before = document.getText(new vscode.Range(lineStart, selection.start));
  const start = before.trim() === '' ? lineStart : selection.start;
  return regionFromText(document.getText(new vscode.Range(start, selection.end)), start.line, start.character);
}

function regionOfCell(lines: readonly string[], cell: Cell): CodeRegion {
  return regionFromText(lines.slice(cell.startLine, cell.endLine + 1).join('\n'), cell.startLine);
}

/**
 * Menus and keys offer the run commands in Python editors only, but the command ids can still
 * be invoked elsewhere (other extensions, keybindings users add); other languages are not run.
 */
function isPython(editor: vscode.TextEditor): boolean {
  if (editor.document.languageId === 'python') return true;
  vscode.window.setStatusBarMessage('Python Sandbox runs Python documents only', 3000);
  return false;
}

/** Where editor code came from, for the presenters that map results back to the document. */
function originOf(document: vscode.TextDocument, region: CodeRegion): RunOrigin {
  return {
    documentUri: document.uri.toString(),
    region,
    lineText: (line) => (line < document.lineCount ? document.lineAt(line).text : ''),
  };
}

/** E.g. `hello.py:3-5`: the document's name and the lines that ran. */
function labelOf(document: vscode.TextDocument, region: CodeRegion): string {
  return `${document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1)}:${lineLabel(region)}`;
}

/** The commands that run editor text: selections, files, expressions and cells. */
export class RunCommands {
  /**
   * @param session the user's runtime.
   * @param inlineValues what is shown at line ends in a document, for the hidden test command.
   */
  constructor(
    private readonly session: RuntimeSession,
    private readonly inlineValues: (uri: vscode.Uri) => string[],
  ) {}

  /** Registers the commands; dispose the result to remove them. */
  register(): vscode.Disposable {
    // Plain commands rather than text-editor commands: they are async, and `executeCommand`
    // then resolves when the run is over.
    const inEditor = (run: (editor: vscode.TextEditor) => Promise<void>) => async (): Promise<void> => {
      const editor = vscode.window.activeTextEditor;
      if (editor && isPython(editor)) await run(editor);
    };
    return vscode.Disposable.from(
      vscode.commands.registerCommand(
        CommandIds.execSelection,
        inEditor((editor) => this.execSelection(editor)),
      ),
      vscode.commands.registerCommand(
        CommandIds.execFile,
        inEditor((editor) => this.execFile(editor)),
      ),
      vscode.commands.registerCommand(
        CommandIds.evalExpression,
        inEditor((editor) => this.evalExpression(editor)),
      ),
      vscode.commands.registerCommand(CommandIds.execCell, (uri?: vscode.Uri, line?: number) => this.execCells(false, uri, line)),
      vscode.commands.registerCommand(CommandIds.execCellAndBelow, (uri?: vscode.Uri, line?: number) => this.execCells(true, uri, line)),
      // Decorations cannot be read back through the API; this says what the runs put there.
      vscode.commands.registerCommand(CommandIds.inlineValues, (uri: vscode.Uri) => this.inlineValues(uri)),
    );
  }

  /** Selections in document order; with none, the current line, moving on like Shift+Enter. */
  async execSelection(editor: vscode.TextEditor): Promise<void> {
    const { document } = editor;
    const selections = editor.selections.filter((s) => !s.isEmpty).sort((a, b) => a.start.compareTo(b.start));
    if (selections.length > 0) {
      await this.execRegions(
        editor,
        selections.map((s) => regionOfSelection(document, s)),
      );
      return;
    }
    const line = editor.selection.active.line;
    const text = document.lineAt(line).text;
    const next = nextCodeLine(documentLines(document), line);
    const nextStart = new vscode.Position(next, document.lineAt(next).firstNonWhitespaceCharacterIndex);
    editor.selection = new vscode.Selection(nextStart, nextStart);
    editor.revealRange(new vscode.Range(nextStart, nextStart));
    if (text.trim() === '') {
      vscode.window.setStatusBarMessage('Python Sandbox: nothing to run on this line', 3000);
      return;
    }
    await this.execRegions(editor, [regionFromText(text, line)]);
  }

  /** The whole document, unsaved changes included. */
  async execFile(editor: vscode.TextEditor): Promise<void> {
    await this.execRegions(editor, [regionFromText(editor.document.getText(), 0)]);
  }

  /** The selection as an expression; with none, an input box prefilled with the one at the cursor. */
  async evalExpression(editor: vscode.TextEditor): Promise<void> {
    const { document, selection } = editor;
    let region: CodeRegion;
    if (!selection.isEmpty) {
      region = regionOfSelection(document, selection);
    } else {
      const line = selection.active.line;
      const expression = await vscode.window.showInputBox({
        title: 'Sandbox: Eval Expression',
        prompt: 'A Python expression to evaluate in the sandbox',
        value: expressionAt(document.lineAt(line).text, selection.active.character),
      });
      if (expression === undefined || expression.trim() === '') return;
      region = regionFromText(expression.trim(), line);
    }
    await this.runRegion(document, region, 'eval');
  }

  /** The `# %%` cell at the cursor (or at `line` of `uri`, from a CodeLens), and optionally all below it. */
  async execCells(andBelow: boolean, uri?: vscode.Uri, line?: number): Promise<void> {
    const editor = uri
      ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())
      : vscode.window.activeTextEditor;
    if (!editor || !isPython(editor)) return;
    const lines = documentLines(editor.document);
    const cells = findCells(lines);
    const at = line ?? editor.selection.active.line;
    // A file without markers is one cell.
    const all: Cell[] = cells.length ? cells : [{ startLine: 0, endLine: lines.length - 1 }];
    const current = cellAt(all, at) ?? all[0];
    const chosen = andBelow ? all.slice(all.indexOf(current)) : [current];
    await this.execRegions(
      editor,
      chosen.map((cell) => regionOfCell(lines, cell)),
    );
  }

  /** Runs regions of the editor's document in order, stopping at the first that fails. */
  private async execRegions(editor: vscode.TextEditor, regions: readonly CodeRegion[]): Promise<void> {
    for (const region of regions) {
      const result = await this.runRegion(editor.document, region, 'exec');
      if (result.error) return;
    }
  }

  /** Queues one region; the presenters show what becomes of it. */
  private runRegion(document: vscode.TextDocument, region: CodeRegion, mode: RunMode): Promise<RunResult> {
    const run = this.session.run(mode, region.code, {
      captureLastValue: mode === 'exec',
      // The inline value shows the repr; the output view, what the value has beyond it.
      displayLastValue: mode === 'exec' ? 'rich' : 'none',
      label: labelOf(document, region),
      origin: originOf(document, region),
    });
    return settledResult(run);
  }
}
