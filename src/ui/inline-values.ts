import * as vscode from 'vscode';
import { shortValue } from './format';

/**
 * Values shown at the end of the line they came from (Eval Expression, or an exec whose last
 * statement is an expression). The short form sits in the text, the full value on hover; all of
 * a document's values go at its next edit, since they describe the text as it ran.
 */
export class InlineValues implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly shown = new Map<string, vscode.DecorationOptions[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length) this.clear(event.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.shown.delete(document.uri.toString())),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaint()),
    ];
  }

  /** Shows `value` after the end of `line` in the editor's document. */
  show(editor: vscode.TextEditor, line: number, value: string): void {
    const end = editor.document.lineAt(line).range.end;
    const hover = new vscode.MarkdownString().appendCodeblock(value, 'python');
    const options: vscode.DecorationOptions = {
      range: new vscode.Range(end, end),
      hoverMessage: hover,
      renderOptions: { after: { contentText: `⇒ ${shortValue(value)}` } },
    };
    const key = editor.document.uri.toString();
    this.shown.set(key, [...(this.shown.get(key) ?? []).filter((o) => o.range.start.line !== line), options]);
    this.repaint();
  }

  /** Values currently shown in a document, as their annotation text (`⇒ 42`), for tests and support. */
  valuesIn(uri: vscode.Uri): string[] {
    return (this.shown.get(uri.toString()) ?? []).map((o) => o.renderOptions?.after?.contentText ?? '');
  }

  clear(uri: vscode.Uri): void {
    if (this.shown.delete(uri.toString())) this.repaint();
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.decoration.dispose();
  }

  private repaint(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      editor.setDecorations(this.decoration, this.shown.get(editor.document.uri.toString()) ?? []);
    }
  }
}
