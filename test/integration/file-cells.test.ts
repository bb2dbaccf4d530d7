import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, command, CommandIds, onlyDiagnostic, openDocument, peek, placeCursor, sandboxDiagnostics } from './helpers';

/** Three cells; the first raises, so a test can tell whether it ran. */
const CELLS = [
  '# %% first\ncells_first = 1 / 0\n',
  "# %% second\ncells_second = 'two'\nraise ValueError(cells_second)\n",
  '# %% third\ncells_third = 3\n',
].join('');

describe('Exec File and cells', () => {
  afterEach(closeAllEditors);

  it('Exec File runs the whole document, unsaved edits included', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const document = await vscode.workspace.openTextDocument(path.join(folder, 'hello.py'));
    const editor = await vscode.window.showTextDocument(document);
    const end = document.lineAt(document.lineCount - 1).range.end;
    await editor.edit((edit) => edit.insert(end, "\nfile_unsaved = greet('file')\nraise ValueError(file_unsaved)\n"));
    assert.ok(document.isDirty, 'the edit is not saved');
    await command(CommandIds.execFile);
    const diagnostic = onlyDiagnostic(document.uri);
    assert.equal(diagnostic.message, 'ValueError: hello, file', 'the saved definitions and the unsaved lines ran together');
    assert.equal(diagnostic.range.start.line, document.lineCount - 2);
  });

  it('Exec Cell runs the cell at the cursor only, with errors on document lines', async () => {
    const editor = await openDocument(CELLS);
    placeCursor(editor, 4);
    await command(CommandIds.execCell);
    const diagnostic = onlyDiagnostic(editor.document.uri);
    assert.equal(diagnostic.message, 'ValueError: two');
    assert.equal(diagnostic.range.start.line, 4);
    assert.match(await peek('cells_first'), /NameError/, 'the first cell did not run');
  });

  it("IPython's magics work in # %% cells: they run, and errors after them are on their document lines", async () => {
    const editor = await openDocument(
      '# %% setup\ncells_base = 1\n# %% magics\n%time cells_timed = sum(range(10))\ncells_value = cells_timed * 2\n!ls\n',
    );
    placeCursor(editor, 4);
    await command(CommandIds.execCell);
    const diagnostic = onlyDiagnostic(editor.document.uri);
    assert.match(diagnostic.message, /^UsageError: !ls: the sandbox runs no programs/, 'a shell command is refused, not a syntax error');
    assert.equal(diagnostic.range.start.line, 5);
    assert.equal(await peek('cells_value'), '90', 'the %time line and the line after it ran');
  });

  it('Exec Cell and Below, as its CodeLens calls it, runs that cell and the ones after it', async () => {
    const editor = await openDocument(CELLS.replace('raise ValueError(cells_second)', 'cells_second += "!"'));
    placeCursor(editor, 0);
    // The lens passes the document and the cell's header line; the cursor is elsewhere.
    await command(CommandIds.execCellAndBelow, editor.document.uri, 2);
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
    assert.equal(await peek('(cells_second, cells_third)'), "('two!', 3)");
  });
});
