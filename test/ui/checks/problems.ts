import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';

/** Exec File on code that raises: the footer names the error and the Problems panel shows it. */
export const problemsFromError: UiCheck = {
  name: 'problems-from-error',
  async run(wb) {
    await wb.openFile('boom.py');
    await wb.runCommand('Sandbox: Exec File');
    const text = await wb.waitForOutput(/✗ /, 60_000);
    assert.match(text, /✗ ZeroDivisionError: division by zero \(line 3\)/);
    const rows = await wb.problems();
    assert.ok(
      rows.some((row) => row.includes('ZeroDivisionError: division by zero') && row.includes('Python Sandbox')),
      `a Problems row for the error, got:\n${rows.join('\n')}`,
    );
  },
};
