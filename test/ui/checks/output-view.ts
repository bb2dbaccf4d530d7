import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/** Exec Selection on picture.py: the "Python Sandbox" view comes forward with the run's text and picture. */
export const outputViewImage: UiCheck = {
  name: 'output-view-image',
  async run(wb) {
    await wb.openFile('picture.py');
    await wb.selectLines(1, 36);
    await wb.runCommand('Sandbox: Exec Selection');
    const view = await wb.waitForFrame('the output view with a picture', async (frame) => {
      return (await frame.locator('#runs figure.image img[src^="data:image/png"]').count()) > 0;
    });
    const run = view.locator('#runs section.run').last();
    assert.match(await run.locator('.header').innerText(), /▶ exec picture\.py:1-36/);
    assert.equal(await run.locator('pre.stdout').first().innerText(), 'sales by quarter\n');
    await run.locator('.footer', { hasText: '✓' }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await run.locator('figure.image button').allInnerTexts(), ['Copy', 'Save…']);
    const activeTab = wb.page.locator('.part.panel .composite-bar .action-item.checked .action-label');
    assert.equal(await activeTab.innerText(), 'Python Sandbox', 'the view came forward in the panel');
  },
};

/** HTML from an output is shown (a table) but its script and event handlers never run. */
export const outputViewHtmlWithoutScripts: UiCheck = {
  name: 'output-view-html-without-scripts',
  async run(wb) {
    await wb.openFile('page.py');
    await wb.runCommand('Sandbox: Exec File');
    const html = await wb.waitForFrame('the output view with HTML', async (frame) => (await frame.locator('table td').count()) > 0);
    assert.equal(await html.locator('td').first().innerText(), 'Q1', 'the table is shown');
    // The page had its chance: the image failed to load, the script was parsed.
    await wb.page.waitForTimeout(1000);
    assert.equal(await html.locator('#marker').innerText(), 'static', 'neither the script nor the onerror handler ran');
    assert.equal(await html.locator('script').count(), 1, 'the script is there, inert');
  },
};
