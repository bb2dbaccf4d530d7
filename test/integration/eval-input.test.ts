import * as assert from 'node:assert/strict';
import {
  acceptInputBoxesUntil,
  closeAllEditors,
  dismissInputBoxesUntil,
  command,
  CommandIds,
  onlyDiagnostic,
  openDocument,
  peek,
  placeCursor,
  sandboxDiagnostics,
  select,
} from './helpers';

/*
 * What eval does is seen through side effects and diagnostics; the inline `⇒ value` annotation is
 * covered with the inlineResults setting (settings.test.ts) and, as drawn, by the UI check
 * eval-inline-value.
 */
describe('Eval Expression and input()', () => {
  afterEach(closeAllEditors);

  it('evaluates the selection in the user namespace', async () => {
    const editor = await openDocument('eval_list = []\neval_list.append(7) or len(eval_list)\n');
    select(editor, [0, 0, 0, 14]);
    await command(CommandIds.execSelection);
    select(editor, [1, 0, 1, 37]);
    await command(CommandIds.evalExpression);
    assert.equal(await peek('eval_list'), '[7]');
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
  });

  it('maps an error of the evaluated selection to its place in the document', async () => {
    const editor = await openDocument('x = [eval_missing_name + 1]\n');
    select(editor, [0, 5, 0, 26]);
    await command(CommandIds.evalExpression);
    const diagnostic = onlyDiagnostic(editor.document.uri);
    assert.equal(diagnostic.message, "NameError: name 'eval_missing_name' is not defined");
    assert.equal(diagnostic.range.start.character, 5);
  });

  it('without a selection, asks for the expression in an input box prefilled with the one at the cursor', async () => {
    const editor = await openDocument('print(eval_prefilled.attr[0])\n');
    placeCursor(editor, 0, 10);
    // Accepting the box unchanged evaluates the prefilled text; the NameError names it.
    await acceptInputBoxesUntil(command(CommandIds.evalExpression));
    assert.equal(onlyDiagnostic(editor.document.uri).message, "NameError: name 'eval_prefilled' is not defined");
  });

  it('evaluates nothing when the input box is dismissed', async () => {
    const editor = await openDocument('eval_dismissed\n');
    await dismissInputBoxesUntil(command(CommandIds.evalExpression));
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), []);
  });

  it('answers input() through the input box', async () => {
    const editor = await openDocument("input_answer = input('Your name? ')\nraise ValueError(repr(input_answer))\n");
    await acceptInputBoxesUntil(command(CommandIds.execFile));
    // The box opens empty, so accepting it submits an empty line.
    assert.equal(onlyDiagnostic(editor.document.uri).message, "ValueError: ''");
    assert.equal(await peek('input_answer'), "''");
  });
});
