import { CommandIds } from '../../../src/commands/ids';
import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/** Eval Expression (its key) on a selection puts `⇒ value` at the end of its line, until the next edit. */
export const evalInlineValue: UiCheck = {
  name: 'eval-inline-value',
  async run(wb) {
    await wb.openFile('hello.py');
    // Line 7 is `print(sum(range(10)))`: select the argument, `sum(range(10))`.
    await wb.selectInLine(7, 'print('.length, 'sum(range(10))'.length);
    await wb.pressKeyOf(CommandIds.evalExpression);
    await wb.waitForOutput(/▶ eval hello\.py:7[\s\S]*✓ /);
    await wb.waitForInlineValue('⇒ 45');
    // The value describes the text as it ran: any edit takes it away.
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.type(' ');
    await wb.page.waitForTimeout(500);
    assert.ok(!(await wb.inlineDecorations()).includes('⇒ 45'), 'the inline value is gone after an edit');
  },
};
