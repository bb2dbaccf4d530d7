import * as assert from 'node:assert/strict';
import { CommandIds } from '../../../src/commands/ids';
import type { UiCheck } from '../check';

/**
 * demo.ipynb through the Python Sandbox kernel, as a person runs it: select the kernel, Run All,
 * and see text, a picture (an object with _repr_png_ drawn with zlib and struct) and an error
 * with the cell's own line in the outputs.
 */
export const notebookOutputs: UiCheck = {
  name: 'notebook-outputs',
  // Tall enough for the three cells and their outputs in one screenshot (README).
  viewport: { width: 1400, height: 1300 },
  async run(wb) {
    await wb.openNotebook('demo.ipynb');
    await wb.selectNotebookKernel('Python Sandbox');
    await wb.runCommand('Notebook: Run All');
    const outputs = await wb.waitForFrame('the three cells’ outputs', async (frame) => {
      const text = await frame.locator('body').innerText({ timeout: 1000 });
      return (
        /Hello from the sandbox: emscripten 3\.14/.test(text) && /ZeroDivisionError/.test(text) && (await frame.locator('img').count()) > 0
      );
    });
    // The failed cell's status shows once its execution has ended.
    await wb.page.locator('.notebook-editor .cell-statusbar-container .codicon-notebook-state-error').waitFor({ timeout: 10_000 });
    const image = outputs.locator('img').first();
    assert.deepEqual(
      await image.evaluate((img) => [
        (img as unknown as { naturalWidth: number }).naturalWidth,
        (img as unknown as { naturalHeight: number }).naturalHeight,
      ]),
      [240, 120],
      'the picture is shown at its size',
    );
    const text = (await outputs.locator('body').innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /Cell In\[3\], line 4/, 'the error points at the cell and line');
    assert.match(text, /ZeroDivisionError: division by zero/);
    assert.match(await wb.statusBarText('Python Sandbox kernel'), /Python Sandbox kernel: idle/);
  },
};

/**
 * The editor's keys stay out of a notebook's cells, whose code runs on the notebook's kernel:
 * pressed in a cell's editor they run nothing in the editor's runtime. (By the time the
 * notebook's own first run is over, one of theirs would have shown.)
 */
export const keysStayOutOfNotebookCells: UiCheck = {
  name: 'keys-stay-out-of-notebook-cells',
  async run(wb) {
    await wb.openNotebook('demo.ipynb');
    await wb.selectNotebookKernel('Python Sandbox');
    const cellEditor = wb.page.locator('.notebook-editor .code-cell-row .monaco-editor').first();
    for (const command of [CommandIds.execSelection, CommandIds.execCell, CommandIds.evalExpression]) {
      await cellEditor.click();
      await wb.page.locator('.notebook-editor .code-cell-row .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
      await wb.pressKeyOf(command);
      // Unbound here, Shift+Alt+<letter> may open the menu bar's menu of that letter (Alt+E: Edit).
      await wb.page.keyboard.press('Escape');
    }
    await wb.runCommand('Notebook: Run All');
    await wb.waitForFrame('the first cell’s output', async (frame) =>
      /Hello from the sandbox/.test(await frame.locator('body').innerText({ timeout: 1000 })),
    );
    assert.equal(await wb.shownOutputChannel(), undefined, 'no editor run revealed the output channel');
    await wb.runCommand('Sandbox: Show Output');
    await wb.waitForOutputChannel('Python Sandbox');
    assert.doesNotMatch(await wb.outputText(), /▶/, 'the editor runtime ran nothing');
  },
};
