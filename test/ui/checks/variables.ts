import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/**
 * Exec File on sales.py, then the Variables view as a person uses it: the names with their
 * types, summaries and values, an object expanded, and a list of dicts opened as a table.
 */
/** The note sales.py keeps: markup that must stay text. */
const NOTE = '<img src=x onerror="document.title=1"><b>bold</b>';

export const variablesView: UiCheck = {
  name: 'variables-view',
  viewport: { width: 1400, height: 1000 },
  async run(wb) {
    await wb.openFile('sales.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.runCommand('Focus on Variables View');
    const view = wb.page.locator('.part.panel .pane', { has: wb.page.locator('.pane-header', { hasText: 'Variables' }) });
    const row = (name: string) =>
      view.locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) });
    await row('sales').waitFor({ timeout: 60_000 });
    assert.match(await row('sales').innerText(), /list, 4 items/);
    assert.match(await row('totals').innerText(), /\{'units': 446, 'revenue': 12934\.0\}/);
    assert.match(await view.locator('.pane-header').innerText(), /Python Sandbox/, 'the view says whose namespace it shows');
    await row('north').click();
    await wb.page.keyboard.press('ArrowRight');
    await row('manager').waitFor({ timeout: 30_000 });
    assert.match(await row('manager').innerText(), /'Ann'/);
    // A cell's text is text: markup in it shows as written and does nothing.
    await row('notes').hover();
    await row('notes').locator('.action-label[aria-label="Show as Table"]').click();
    const notes = await wb.waitForFrame(
      'the table of notes',
      async (frame) => (await frame.locator('#size', { hasText: /^notes:/ }).count()) > 0,
    );
    assert.equal(await notes.locator('tbody td').first().innerText(), NOTE);
    assert.equal(await notes.locator('tbody img, tbody b').count(), 0, 'no element was made of the cell');
    await row('sales').hover();
    await row('sales').locator('.action-label[aria-label="Show as Table"]').click();
    const table = await wb.waitForFrame('the table of sales', async (frame) => (await frame.locator('#table tbody tr').count()) === 4);
    assert.equal(await table.locator('#size').innerText(), 'sales: 4 rows × 4 columns');
    await table.locator('th button', { hasText: 'revenue' }).click();
    await table.locator('th button', { hasText: 'revenue' }).click();
    assert.deepEqual(
      await table.locator('tbody tr td:nth-child(4)').allInnerTexts(),
      ['4147.0', '3480.0', '2755.0', '2552.0'],
      'sorted by revenue, descending',
    );
  },
};
