import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/** input() opens VS Code's input box; the typed line reaches the code. */
export const inputThroughInputBox: UiCheck = {
  name: 'input-through-input-box',
  async run(wb) {
    await wb.openFile('ask.py');
    await wb.runCommand('Sandbox: Exec File', true);
    const box = wb.page.locator('.quick-input-widget');
    await box.locator('.quick-input-title', { hasText: 'Python input()' }).waitFor({ timeout: 60_000 });
    assert.match(await box.innerText(), /Your name\?/, 'the box shows the prompt');
    await wb.page.keyboard.type('Ada');
    await wb.page.keyboard.press('Enter');
    const text = await wb.waitForOutput(/✓ /);
    assert.match(text, /Hi, Ada!\n✓ /);
  },
};
