import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, command, CommandIds, onlyDiagnostic, openDocument, sandboxDiagnostics, SOURCE, span, waitFor } from './helpers';

/** A call chain whose error is raised two frames down, on line 2 (index 1). */
const NESTED = 'def inner():\n    return 1 / 0\ndef outer():\n    return inner()\nouter()\n';

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
    await editor.edit((edit) => edit.insert(new vscode.Position(6, 0), '# below\n'));
    assert.deepEqual(span(onlyDiagnostic(editor.document.uri).range), after, 'an edit below moves nothing');
  });
});
