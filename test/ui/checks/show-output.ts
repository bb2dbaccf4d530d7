import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/** "Sandbox: Show Output" from the command palette brings up the "Python Sandbox" channel. */
export const showOutputFromPalette: UiCheck = {
  name: 'show-output-from-palette',
  async run(wb) {
    await wb.openFile('hello.py');
    assert.equal(await wb.activeEditorTitle(), 'hello.py');
    await wb.runCommand('Sandbox: Show Output');
    await wb.waitForOutputChannel('Python Sandbox');
  },
};
