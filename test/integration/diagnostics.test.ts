import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  command,
  CommandIds,
  onlyDiagnostic,
  openDocument,
  sandboxDiagnostics,
  select,
  SOURCE,
  span,
  waitFor,
} from './helpers';

/** A call chain whose error is raised two frames down, on line 2 (index 1). */
const NESTED = 'def inner():\n    return 1 / 0\ndef outer():\n    return inner()\nouter()\n';

/** The lines (0-based) of a document's sandbox diagnostics, top to bottom. */
const diagnosedLines = (uri: vscode.Uri): number[] =>
  sandboxDiagnostics(uri)
    .map((d) => d.range.start.line)
    .sort((a, b) => a - b);

/** Opens a document whose file run fails, and runs it. */
async function failingDocument(content = NESTED): Promise<vscode.TextEditor> {
  const editor = await openDocument(content);
  await command(CommandIds.execFile);
  assert.equal(sandboxDiagnostics(editor.document.uri).length, 1, 'the run left a diagnostic');
  return editor;
}

describe('diagnostics', () => {
  afterEach(closeAllEditors);

  it('reports `Type: message` from source "Python Sandbox" where the error was raised, with the outer frames', async () => {
    const editor = await failingDocument();
    const diagnostic = onlyDiagnostic(editor.document.uri);
    assert.equal(diagnostic.message, 'ZeroDivisionError: division by zero');
    assert.equal(diagnostic.source, SOURCE);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, 1);
    const related = (diagnostic.relatedInformation ?? []).map((r) => [r.location.uri.toString(), r.location.range.start.line, r.message]);
    const uri = editor.document.uri.toString();
    assert.deepEqual(related, [
      [uri, 4, '<module> called outer'],
      [uri, 3, 'outer called inner'],
    ]);
  });

  it('clears when the document runs without error', async () => {
    const editor = await failingDocument();
    await editor.edit((edit) => edit.replace(new vscode.Range(1, 0, 1, 16), '    return 1'));
    await command(CommandIds.execFile);
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
  });

  it('clears when the document is closed', async () => {
    const editor = await failingDocument();
    const uri = editor.document.uri;
    await command('workbench.action.revertAndCloseActiveEditor');
    // Closing the editor and disposing the document are separate steps in the host.
    await waitFor(() => sandboxDiagnostics(uri).length === 0, 'the diagnostics to go with the document');
  });

  it('drops a diagnostic whose line is edited', async () => {
    const editor = await failingDocument();
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 16), '  # looked at'));
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
  });

  it('keeps a diagnostic with its text when lines are inserted above, and when lines below change', async () => {
    const editor = await failingDocument();
    const before = span(onlyDiagnostic(editor.document.uri).range);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# one\n# two\n'));
    const after = span(onlyDiagnostic(editor.document.uri).range);
    assert.deepEqual(after, [before[0] + 2, before[1], before[2] + 2, before[3]]);
    const related = (onlyDiagnostic(editor.document.uri).relatedInformation ?? []).map((r) => r.location.range.start.line);
    assert.deepEqual(related, [6, 5], 'the calls that led there moved with their text');
    await editor.edit((edit) => edit.insert(new vscode.Position(6, 0), '# below\n'));
    assert.deepEqual(span(onlyDiagnostic(editor.document.uri).range), after, 'an edit below moves nothing');
  });

  it('a clean run clears the diagnostics of the lines it ran, and no others', async () => {
    const editor = await failingDocument('scope_x = 0\nscope_y = 1\n\nscope_y / scope_x\n');
    const uri = editor.document.uri;
    assert.deepEqual(diagnosedLines(uri), [3]);
    // Evaluating `scope_x` on line 1 says nothing about line 4, which still raises.
    select(editor, [0, 0, 0, 7]);
    await command(CommandIds.evalExpression);
    assert.deepEqual(diagnosedLines(uri), [3], 'Eval Expression on line 1 left line 4 alone');
    // Whole lines 1-2, selected down to the start of line 3, which does not run.
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 10, 0, 11), '2'));
    assert.deepEqual(diagnosedLines(uri), [3], 'an edit of line 1 left line 4 alone');
    select(editor, [0, 0, 2, 0]);
    await command(CommandIds.execSelection);
    assert.deepEqual(diagnosedLines(uri), [3], 'Exec Selection of lines 1-2 left line 4 alone');
    select(editor, [3, 0, 3, 17]);
    await command(CommandIds.execSelection);
    assert.deepEqual(diagnosedLines(uri), [], 'line 4 ran cleanly');
  });

  it('a failing run keeps the diagnostics of lines it did not reach, and a clean file run clears them all', async () => {
    const editor = await openDocument('scope_a\n\n1 / scope_b\n');
    const uri = editor.document.uri;
    select(editor, [2, 0, 2, 11]);
    await command(CommandIds.execSelection);
    select(editor, [0, 0, 0, 7]);
    await command(CommandIds.execSelection);
    assert.deepEqual(
      sandboxDiagnostics(uri)
        .map((d) => [d.range.start.line, d.message])
        .sort(),
      [
        [0, "NameError: name 'scope_a' is not defined"],
        [2, "NameError: name 'scope_b' is not defined"],
      ],
    );
    // The file run stops at line 1 again: line 3 never ran, so what it said still stands.
    await command(CommandIds.execFile);
    assert.deepEqual(diagnosedLines(uri), [0, 2]);
    const definitions = await openDocument('scope_a = 1\nscope_b = 2\n');
    await command(CommandIds.execFile);
    await vscode.window.showTextDocument(editor.document);
    await command(CommandIds.execFile);
    assert.deepEqual(sandboxDiagnostics(uri), [], 'a clean run of the whole file');
    assert.deepEqual(sandboxDiagnostics(definitions.document.uri), []);
  });
});
