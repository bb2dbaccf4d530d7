import * as vscode from 'vscode';
import { runtimeOfDocument, type RuntimeDirectory } from './inspectable-runtime';
import { BUDGETS, HOVER_VALUE_CHARS, namePathAt, variableMarkdown } from './variables-model';

/**
 * Hovering a name in a Python editor (or a notebook cell) whose runtime holds it shows its type,
 * summary and value, as the Variables view reads them; nothing when the runtime does not hold
 * it, has not started or is busy (a hover does not wait for a run).
 */
export class VariableHoverProvider implements vscode.HoverProvider {
  constructor(private readonly directory: RuntimeDirectory) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const runtime = runtimeOfDocument(this.directory, document, vscode.workspace.notebookDocuments);
    if (runtime?.status.state !== 'ready') return undefined;
    const found = namePathAt(document.lineAt(position.line).text, position.character);
    if (!found) return undefined;
    const inspection = await runtime.inspect(
      { op: 'lookup', path: found.path, valueChars: HOVER_VALUE_CHARS, budget: BUDGETS.hover },
      { ifIdle: true },
    );
    const variable = 'answer' in inspection ? inspection.answer.entries[0] : undefined;
    if (!variable) return undefined;
    const markdown = new vscode.MarkdownString(variableMarkdown(found.path.join('.'), variable, runtime.label));
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, new vscode.Range(position.line, found.start, position.line, found.end));
  }
}
