import * as vscode from 'vscode';
import { lastLine } from '../editor/code-region';
import type { RunOrigin } from '../editor/run-origin';
import { locateError, type ErrorLocation } from '../editor/traceback';
import type { PythonError } from '../sandbox/protocol';
import { formatError } from '../sandbox/result';
import type { Run } from '../sandbox/run';

const SOURCE = 'Python Sandbox';

const toRange = (r: ErrorLocation['range']): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/**
 * Runtime errors as diagnostics in the document that ran. They never go stale: a run replaces
 * those of the lines it ran (a clean run of the whole file clears them all), closing the document
 * clears them, and one is dropped when its lines are edited (those below an edit move with their
 * text, related locations too).
 */
export class DiagnosticsPresenter implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('pythonSandbox');
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)),
      vscode.workspace.onDidChangeTextDocument((event) => this.edited(event)),
    ];
  }

  /** Updates the diagnostics of the lines `run` ran when it ends. */
  follow(run: Run, origin: RunOrigin | undefined): void {
    if (!origin) return;
    const uri = vscode.Uri.parse(origin.documentUri);
    const { region } = origin;
    void run.result.then(
      (result) => {
        if (!result.error) {
          this.clearLines(uri, region.firstLine, lastLine(region));
          return;
        }
        // An interrupt is the user's own doing, not a fault in the code.
        if (result.error.type === 'KeyboardInterrupt') return;
        const location = locateError(region, result.error, origin.lineText);
        if (location) this.report(uri, result.error, location, region.firstLine);
      },
      () => undefined,
    );
  }

  /**
   * Shows `error` at `location` in `uri`, for a run whose code starts at `firstLine`. It replaces
   * the diagnostics from there down to the last line of its traceback, which the run reached;
   * those further down stay, since that code did not run.
   */
  private report(uri: vscode.Uri, error: PythonError, location: ErrorLocation, firstLine: number): void {
    const diagnostic = new vscode.Diagnostic(toRange(location.range), formatError(error), vscode.DiagnosticSeverity.Error);
    diagnostic.source = SOURCE;
    diagnostic.code = error.type;
    diagnostic.relatedInformation = location.related.map(
      (frame) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(frame.range)), frame.message),
    );
    const reached = Math.max(location.range.end.line, ...location.related.map((frame) => frame.range.end.line));
    this.collection.set(uri, [...this.outside(uri, firstLine, reached), diagnostic]);
  }

  /** Lines `firstLine`..`lastLine` (0-based, inclusive) ran without error: their diagnostics go. */
  private clearLines(uri: vscode.Uri, firstLine: number, lastLine: number): void {
    const kept = this.outside(uri, firstLine, lastLine);
    if (kept.length) this.collection.set(uri, kept);
    else this.collection.delete(uri);
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.collection.dispose();
  }

  /** The diagnostics of `uri` that lie wholly above or below the lines given. */
  private outside(uri: vscode.Uri, firstLine: number, lastLine: number): vscode.Diagnostic[] {
    return (this.collection.get(uri) ?? []).filter((d) => d.range.end.line < firstLine || d.range.start.line > lastLine);
  }

  private edited(event: vscode.TextDocumentChangeEvent): void {
    const uri = event.document.uri;
    let diagnostics = this.collection.get(uri);
    if (!diagnostics?.length || event.contentChanges.length === 0) return;
    for (const change of event.contentChanges) {
      const { start, end } = change.range;
      const delta = change.text.split('\n').length - 1 - (end.line - start.line);
      // Text below the edit moved by `delta` lines; text above it stayed.
      const moved = (range: vscode.Range): vscode.Range =>
        delta && range.start.line > end.line ? range.with(range.start.translate(delta), range.end.translate(delta)) : range;
      diagnostics = diagnostics.flatMap((d) => {
        if (d.range.end.line >= start.line && d.range.start.line <= end.line) return [];
        if (!delta) return [d];
        const copy = new vscode.Diagnostic(moved(d.range), d.message, d.severity);
        copy.source = d.source;
        copy.code = d.code;
        // A diagnostic above the edit can still point at calls below it.
        copy.relatedInformation = d.relatedInformation?.map((r) =>
          r.location.uri.toString() === uri.toString()
            ? new vscode.DiagnosticRelatedInformation(new vscode.Location(r.location.uri, moved(r.location.range)), r.message)
            : r,
        );
        return [copy];
      });
    }
    this.collection.set(uri, diagnostics);
  }
}
