import * as assert from 'node:assert/strict';
import {
  closeAllEditors,
  command,
  CommandIds,
  onlyDiagnostic,
  openDocument,
  peek,
  placeCursor,
  sandboxDiagnostics,
  select,
  span,
} from './helpers';

const execSelection = (): Thenable<void> => command(CommandIds.execSelection);

describe('Exec Selection', () => {
  afterEach(closeAllEditors);

  it('runs a single selection and nothing else', async () => {
    const editor = await openDocument('single_a = 6 * 7\nsingle_b = 1 / 0\n');
    select(editor, [0, 0, 0, 16]);
    await execSelection();
    assert.equal(await peek('single_a'), '42');
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), [], 'the unselected line did not run');
  });

  it('runs several selections in document order, whatever order they were made in', async () => {
    const editor = await openDocument("order = []\norder.append('first')\norder.append('second')\norder.append('third')\n");
    // The primary selection (made last) is the first line; the others were added bottom-up.
    select(editor, [0, 0, 0, 10], [3, 0, 3, 21], [2, 0, 2, 22], [1, 0, 1, 21]);
    await execSelection();
    assert.equal(await peek('order'), "['first', 'second', 'third']");
  });

  it('runs the current line without a selection and moves to the next line with code', async () => {
    const editor = await openDocument('line_run = 1\n\n# a comment\n\nline_next = 2\n');
    placeCursor(editor, 0, 4);
    await execSelection();
    assert.equal(await peek('line_run'), '1');
    assert.match(await peek('line_next'), /NameError/, 'only the current line ran');
    assert.deepEqual(span(editor.selection), [4, 0, 4, 0], 'the cursor skipped blank and comment lines');
  });

  it('does nothing in an empty document', async () => {
    const editor = await openDocument('');
    await execSelection();
    assert.deepEqual(span(editor.selection), [0, 0, 0, 0]);
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
  });

  it('dedents an indented selection and maps its error to the document line and column', async () => {
    const editor = await openDocument('def f():\n    if True:\n        y = 1\n        z = y / 0\n');
    select(editor, [2, 0, 3, 17]);
    await execSelection();
    const diagnostic = onlyDiagnostic(editor.document.uri);
    assert.equal(diagnostic.message, 'ZeroDivisionError: division by zero');
    assert.deepEqual(span(diagnostic.range), [3, 12, 3, 17], 'the range covers `y / 0` where it is in the document');
  });

  it('maps an error in a selection that starts mid-line', async () => {
    const editor = await openDocument('mid_skip = 1; mid_b = 1 / 0\n');
    select(editor, [0, 14, 0, 27]);
    await execSelection();
    assert.deepEqual(span(onlyDiagnostic(editor.document.uri).range), [0, 22, 0, 27], 'the range covers `1 / 0`');
  });

  it('gives a SyntaxError its column range', async () => {
    const editor = await openDocument('ok = 1\nbad = (1 +* 2)\n');
    select(editor, [0, 0, 1, 14]);
    await execSelection();
    const diagnostic = onlyDiagnostic(editor.document.uri);
    assert.match(diagnostic.message, /^SyntaxError: /);
    const [startLine, startChar, endLine, endChar] = span(diagnostic.range);
    assert.equal(startLine, 1);
    assert.equal(endLine, 1);
    assert.ok(startChar > 0 && endChar > startChar && endChar <= 14, `a column range inside the line, got ${startChar}-${endChar}`);
  });

  it('does not run a document that is not Python', async () => {
    const editor = await openDocument('not_python = 1 / 0\n', 'plaintext');
    select(editor, [0, 0, 0, 18]);
    await execSelection();
    await command(CommandIds.execFile);
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
    assert.match(await peek('not_python'), /NameError/);
  });
});
