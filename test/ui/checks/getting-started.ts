import * as assert from 'node:assert/strict';
import { CommandIds } from '../../../src/commands/ids';
import type { UiCheck } from '../check';
import { displayKey, keyFor } from '../keys';

/**
 * The editor's context menu holds the run commands in one submenu, "Python Sandbox", each with
 * its key. The check ends with the submenu open (the README's picture of the keys).
 */
export const contextMenuShowsKeys: UiCheck = {
  name: 'context-menu-shows-keys',
  async run(wb) {
    await wb.openFile('hello.py');
    await wb.selectLines(2, 7);
    await wb.openContextMenuOnSelection('Python Sandbox');
    const key = (command: string): string => displayKey(keyFor(command));
    assert.deepEqual(await wb.menuEntries(), [
      { label: 'Exec Selection', keybinding: key(CommandIds.execSelection) },
      { label: 'Eval Expression', keybinding: key(CommandIds.evalExpression) },
      { label: 'Exec File', keybinding: '' },
      { label: 'Exec Cell', keybinding: key(CommandIds.execCell) },
    ]);
  },
};

/** The Run button in a Python editor's title bar runs the whole file. */
export const runButtonRunsTheFile: UiCheck = {
  name: 'run-button-runs-the-file',
  async run(wb) {
    await wb.openFile('hello.py');
    await wb.page.locator('.editor-actions .action-item a[aria-label^="Exec File"]').first().click({ timeout: 10_000 });
    await wb.waitForOutputChannel('Python Sandbox', 30_000);
    const text = await wb.waitForOutput(/✓ \d+(\.\d+)? m?s/);
    assert.match(text, /▶ exec hello\.py:1-7\nhello, sandbox\n45\n✓ /, 'the whole file ran');
  },
};

/**
 * Welcome: Open Walkthrough… offers "Get Started with Python Sandbox", whose four steps (a
 * selection, Problems, a notebook, a package) show with their pictures from the package.
 */
export const walkthrough: UiCheck = {
  name: 'walkthrough',
  async run(wb) {
    await wb.runCommand('Welcome: Open Walkthrough...', true);
    await wb.pickFromQuickInput('Get Started with Python Sandbox');
    const page = wb.page.locator('.gettingStartedContainer');
    for (const step of ['Run a selection', 'Read an error in Problems', 'Run a notebook on the sandbox kernel', 'Load a package'])
      await page.locator('.getting-started-step .step-title', { hasText: step }).first().waitFor({ timeout: 30_000 });
    // The first step is open, with its picture, loaded from the installed extension.
    const image = page.locator('.getting-started-media img').first();
    await image.waitFor({ timeout: 10_000 });
    await wb.page.waitForFunction(
      (img) =>
        (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
        (img as unknown as { naturalWidth: number }).naturalWidth > 0,
      await image.elementHandle(),
      { timeout: 10_000 },
    );
  },
};

/**
 * The status bar item shows while a Python editor is active, or while code runs: a text file
 * alone hides it, and a run going on shows it whatever the editor.
 */
export const statusBarOnlyWithPython: UiCheck = {
  name: 'status-bar-only-with-python',
  async run(wb) {
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /^\S*\s*Python Sandbox/ });
    await wb.openFile('hello.py');
    await item.first().waitFor({ timeout: 30_000 });
    await wb.openFile('notes.txt');
    await item.first().waitFor({ state: 'hidden', timeout: 10_000 });
    await wb.openFile('spin.py');
    await wb.runCommand('Sandbox: Exec File');
    await item.locator('.codicon-loading').first().waitFor({ timeout: 60_000 });
    await wb.openFile('notes.txt');
    await wb.page.waitForTimeout(500);
    assert.ok(await item.locator('.codicon-loading').first().isVisible(), 'the running item stays while the run goes on');
    await wb.runCommand('Sandbox: Interrupt');
    await item.first().waitFor({ state: 'hidden', timeout: 30_000 });
  },
};
