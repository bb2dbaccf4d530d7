import { CommandIds } from '../../../src/commands/ids';
import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/**
 * A run started while another runs waits its turn: the status bar says it is queued, its
 * header follows the first run's footer, and its input() box names it, not the first run.
 */
export const queuedRunsInOrder: UiCheck = {
  name: 'queued-runs-in-order',
  async run(wb) {
    await wb.openFile('queue.py');
    await wb.selectLines(1, 4);
    await wb.pressKeyOf(CommandIds.execSelection);
    await wb.waitForOutputChannel('Python Sandbox', 30_000);
    await wb.waitForOutput(/tick 0/);
    await wb.selectLines(5, 5);
    await wb.pressKeyOf(CommandIds.execSelection);
    await wb.page.locator('.statusbar-item', { hasText: '+1 queued' }).waitFor({ timeout: 5_000 });
    const box = wb.page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: 'Python input() — queue.py:5' }).waitFor({ timeout: 30_000 });
    await wb.page.keyboard.type('Ada');
    await wb.page.keyboard.press('Enter');
    const text = await wb.waitForOutput(/second run Ada\n✓ /);
    assert.match(
      text,
      /▶ exec queue\.py:1-4\ntick 0\ntick 1\ntick 2\n✓ [^\n]+\n▶ exec queue\.py:5\nname\? Ada\nsecond run Ada\n✓ /,
      'the second header comes after the first footer',
    );
  },
};
