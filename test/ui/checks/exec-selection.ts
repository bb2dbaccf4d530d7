import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';
import type { Workbench } from '../workbench';

/** Lines 2-7 of hello.py define greet() and print `hello, sandbox` and `45`. */
const FIRST = 2;
const LAST = 7;

/**
 * Selects the code of hello.py below its comment, runs Exec Selection the way `trigger` does, and reads
 * the run from the Output panel: header, output, footer.
 */
function execSelectionCheck(name: string, trigger: (wb: Workbench) => Promise<void>): UiCheck {
  return {
    name,
    async run(wb) {
      await wb.openFile('hello.py');
      await wb.selectLines(FIRST, LAST);
      await trigger(wb);
      await wb.waitForOutputChannel('Python Sandbox', 30_000);
      const text = await wb.waitForOutput(/✓ \d+(\.\d+)? m?s/);
      assert.match(text, new RegExp(`▶ exec hello\\.py:${FIRST}-${LAST}\\n`), 'the header names the file and lines');
      assert.match(text, /\nhello, sandbox\n45\n✓ /, 'the output, then the footer');
    },
  };
}

export const execSelectionFromPalette = execSelectionCheck('exec-selection-from-palette', (wb) => wb.runCommand('Sandbox: Exec Selection'));

export const execSelectionFromContextMenu = execSelectionCheck('exec-selection-from-context-menu', (wb) =>
  wb.contextMenuOnSelection('Exec Selection'),
);

export const execSelectionWithKeybinding = execSelectionCheck('exec-selection-with-keybinding', (wb) =>
  wb.page.keyboard.press('Control+Alt+X'),
);
