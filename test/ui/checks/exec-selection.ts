import { CommandIds } from '../../../src/commands/ids';
import * as assert from 'node:assert/strict';
import { WEB_WORKER_HOST_SETTINGS } from '../../launch/server';
import type { UiCheck } from '../check';
import type { Workbench } from '../workbench';
import { sandboxPids } from './no-process-left';

/** Lines 2-7 of hello.py define greet() and print `hello, sandbox` and `45`. */
const FIRST = 2;
const LAST = 7;

/**
 * Selects the code of hello.py below its comment, runs Exec Selection the way `trigger` does, and reads
 * the run from the Output panel: header, output, footer.
 */
function execSelectionCheck(name: string, trigger: (wb: Workbench) => Promise<void>, extra: Partial<UiCheck> = {}): UiCheck {
  return {
    name,
    ...extra,
    async run(wb) {
      await wb.openFile('hello.py');
      await wb.selectLines(FIRST, LAST);
      await trigger(wb);
      await wb.waitForOutputChannel('Python Sandbox', 30_000);
      const text = await wb.waitForOutput(/✓ \d+(\.\d+)? m?s/);
      assert.match(text, new RegExp(`▶ exec hello\\.py:${FIRST}-${LAST}\\n`), 'the header names the file and lines');
      assert.match(text, /\nhello, sandbox\n45\n✓ /, 'the output, then the footer');
      await extra.run?.(wb);
    },
  };
}

export const execSelectionFromPalette = execSelectionCheck('exec-selection-from-palette', (wb) => wb.runCommand('Sandbox: Exec Selection'));

export const execSelectionFromContextMenu = execSelectionCheck('exec-selection-from-context-menu', (wb) =>
  wb.contextMenuOnSelection('Python Sandbox', 'Exec Selection'),
);

export const execSelectionWithKeybinding = execSelectionCheck('exec-selection-with-keybinding', (wb) =>
  wb.pressKeyOf(CommandIds.execSelection),
);

/**
 * The same in the browser's web worker extension host, as in vscode.dev: the packaged extension's
 * `browser` entry runs Python in a browser Worker, and the status bar says so.
 */
export const execSelectionInWebWorkerHost = execSelectionCheck(
  'exec-selection-in-web-worker-host',
  (wb) => wb.runCommand('Sandbox: Exec Selection'),
  {
    userSettings: WEB_WORKER_HOST_SETTINGS,
    async run(wb) {
      const item = wb.page.locator('.statusbar-item', { hasText: 'Python Sandbox' }).first();
      await item.hover();
      await wb.page.locator('.monaco-hover, .workbench-hover', { hasText: 'browser worker' }).first().waitFor({ timeout: 10_000 });
      assert.deepEqual(sandboxPids(), [], 'no sandbox process on the server: Python ran in the browser');
    },
  },
);
