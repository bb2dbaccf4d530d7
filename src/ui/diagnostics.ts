import * as vscode from 'vscode';
import type { ErrorLocation } from '../editor/traceback';
import { formatError } from '../sandbox/result';
import type { PythonError } from '../sandbox/protocol';

const SOURCE = 'Python Sandbox';

const toRange = (r: ErrorLocation['range']): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/**
 * Runtime errors as diagnostics in the document that ran. They never go stale: a document's
 * are cleared when it runs cleanly or closes, and one is dropped when its lines are edited
 * (those below an edit move with their text).
 */
export class SandboxDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('pythonSandbox');
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)),
      vscode.workspace.onDidChangeTextDocument((event) => this.edited(event)),
    ];
  }

  /** Shows `error` at `location` in `uri`, replacing what the document had. */
  report(uri: vscode.Uri, error: PythonError, location: ErrorLocation): void {
    const diagnostic = new vscode.Diagnostic(toRange(location.range), formatError(error), vscode.DiagnosticSeverity.Error);
    diagnostic.source = SOURCE;
    diagnostic.code = error.type;
    diagnostic.relatedInformation = location.related.map(
      (frame) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(frame.range)), frame.message),
    );
    this.collection.set(uri, [diagnostic]);
  }

  /** The document ran without error. */
  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.collection.dispose();
  }

  private edited(event: vscode.TextDocumentChangeEvent): void {
    let diagnostics = this.collection.get(event.document.uri);
    if (!diagnostics?.length || event.contentChanges.length === 0) return;
    for (const change of event.contentChanges) {
      const { start, end } = change.range;
      const delta = change.text.split('\n').length - 1 - (end.line - start.line);
      diagnostics = diagnostics.flatMap((d) => {
        if (d.range.end.line < start.line) return [d];
        if (d.range.start.line > end.line) {
          const moved = new vscode.Diagnostic(
            d.range.with(d.range.start.translate(delta), d.range.end.translate(delta)),
            d.message,
            d.severity,
          );
          Object.assign(moved, { source: d.source, code: d.code, relatedInformation: d.relatedInformation });
          return [moved];
        }
        return [];
      });
    }
    this.collection.set(event.document.uri, diagnostics);
  }
}
