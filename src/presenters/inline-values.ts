import * as vscode from 'vscode';
import type { Settings } from '../config';
import { lastCodeLine } from '../editor/code-region';
import type { RunOrigin } from '../editor/run-origin';
import type { Run } from '../sandbox/run';
import { shortValue } from './format';

/**
 * Values shown at the end of the line they came from (Eval Expression, or an exec whose last
 * statement is an expression). The short form sits in the text, the full value on hover; all of
 * a document's values go at its next edit, since they describe the text as it ran.
 */
export class InlineValuesPresenter implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly shown = new Map<string, vscode.DecorationOptions[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly settings: () => Settings) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length) this.clear(event.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.shown.delete(document.uri.toString())),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaint()),
    ];
  }

  /** Shows the value of `run` (an eval's, or an exec's final expression) after the last line it ran. */
  follow(run: Run, origin: RunOrigin | undefined): void {
    if (!origin) return;
    void run.result.then(
      (result) => {
        const value = result.value ?? result.lastValue;
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === origin.documentUri);
        if (value !== undefined && document && this.settings().inlineResults) this.show(document, lastCodeLine(origin.region), value);
      },
      () => undefined,
    );
  }

  private show(document: vscode.TextDocument, line: number, value: string): void {
    if (line >= document.lineCount) return;
    const end = document.lineAt(line).range.end;
    const hover = new vscode.MarkdownString().appendCodeblock(value, 'python');
    const options: vscode.DecorationOptions = {
      range: new vscode.Range(end, end),
      hoverMessage: hover,
      renderOptions: { after: { contentText: `⇒ ${shortValue(value)}` } },
    };
    const key = document.uri.toString();
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
