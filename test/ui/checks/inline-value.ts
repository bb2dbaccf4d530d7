import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/** Eval Expression (Ctrl+Alt+E) on a selection puts `⇒ value` at the end of its line, until the next edit. */
export const evalInlineValue: UiCheck = {
  name: 'eval-inline-value',
  async run(wb) {
    await wb.openFile('hello.py');
    // Line 7 is `print(sum(range(10)))`: select the argument, `sum(range(10))`.
    await wb.selectLines(7, 7);
    await wb.page.keyboard.press('Home');
    for (let i = 0; i < 'print('.length; i++) await wb.page.keyboard.press('ArrowRight');
    for (let i = 0; i < 'sum(range(10))'.length; i++) await wb.page.keyboard.press('Shift+ArrowRight');
    await wb.page.keyboard.press('Control+Alt+E');
    await wb.waitForOutput(/▶ eval hello\.py:7[\s\S]*✓ /);
    const deadline = Date.now() + 10_000;
    let decorations: string[] = [];
    while (Date.now() < deadline && !decorations.includes('⇒ 45')) {
      decorations = await wb.inlineDecorations();
      await wb.page.waitForTimeout(200);
    }
    assert.ok(decorations.includes('⇒ 45'), `the inline value, got ${JSON.stringify(decorations)}`);
    // The value describes the text as it ran: any edit takes it away.
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.type(' ');
    await wb.page.waitForTimeout(500);
    assert.ok(!(await wb.inlineDecorations()).includes('⇒ 45'), 'the inline value is gone after an edit');
  },
};
