import { CommandIds } from '../../../src/commands/ids';
import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';
import type { Workbench } from '../workbench';

/** Eval Expression of `sum(range(10))` on line 7 of hello.py; returns once its run is over. */
async function cleanEval(wb: Workbench): Promise<void> {
  await wb.openFile('hello.py');
  await wb.selectInLine(7, 'print('.length, 'sum(range(10))'.length);
  await wb.pressKeyOf(CommandIds.evalExpression);
  // The inline value comes after the run's footer, so the channel was revealed by then if at all.
  await wb.waitForInlineValue('⇒ 45', 60_000);
}

/** Starts Exec File on boom.py, which raises. */
async function failingExec(wb: Workbench): Promise<void> {
  await wb.openFile('boom.py');
  await wb.runCommand('Sandbox: Exec File');
}

/** Both runs, in order, in the channel. */
const BOTH_RUNS = /▶ eval hello\.py:7\n[\s\S]*✓ [\s\S]*▶ exec boom\.py:1-10\n[\s\S]*✗ ZeroDivisionError/;

/**
 * revealOutput `never` and `onError`: a clean run leaves the Output view closed under both; a
 * failed one brings it up under `onError` only. (`always`, the default, is what the
 * exec-selection checks see.) The channel gets every run's text whatever the policy.
 */
function revealCheck(policy: 'never' | 'onError'): UiCheck {
  return {
    name: `reveal-output-${policy === 'onError' ? 'on-error' : policy}`,
    settings: { 'pythonSandbox.revealOutput': policy },
    async run(wb) {
      await cleanEval(wb);
      assert.equal(await wb.shownOutputChannel(), undefined, 'a clean run left the Output view closed');
      await failingExec(wb);
      if (policy === 'onError') {
        await wb.waitForOutputChannel('Python Sandbox', 60_000);
      } else {
        await wb.waitForErrorMarker();
        assert.equal(await wb.shownOutputChannel(), undefined, 'a failed run left the Output view closed');
        await wb.runCommand('Sandbox: Show Output');
        await wb.waitForOutputChannel('Python Sandbox');
      }
      await wb.waitForOutput(BOTH_RUNS);
    },
  };
}

export const revealOutputNever = revealCheck('never');
export const revealOutputOnError = revealCheck('onError');

/** clearOutputBeforeRun: each run starts on an empty channel (the reveal checks show that runs add up otherwise). */
export const clearOutputBeforeRun: UiCheck = {
  name: 'clear-output-before-run',
  settings: { 'pythonSandbox.clearOutputBeforeRun': true },
  async run(wb) {
    await wb.openFile('hello.py');
    await wb.selectLines(2, 7);
    await wb.runCommand('Sandbox: Exec Selection');
    await wb.waitForOutputChannel('Python Sandbox', 30_000);
    await wb.waitForOutput(/▶ exec hello\.py:2-7\n[\s\S]*✓ /);
    await wb.runCommand('Sandbox: Exec File');
    const text = await wb.waitForOutput(/▶ exec hello\.py:1-7\n[\s\S]*✓ /);
    assert.doesNotMatch(text, /hello\.py:2-7/, 'the first run is gone');
    assert.equal(text.match(/▶/g)?.length, 1, `one run in the channel:\n${text}`);
  },
};
