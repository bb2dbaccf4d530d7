import * as assert from 'node:assert/strict';
import {
  closeAllEditors,
  command,
  CommandIds,
  extension,
  inlineValues,
  onlyDiagnostic,
  openDocument,
  peek,
  select,
  withSettings,
} from './helpers';

describe('settings', () => {
  afterEach(closeAllEditors);

  it('an untrusted workspace cannot raise the memory, output or time limits', () => {
    const restricted = (extension().packageJSON as { capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } } })
      .capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['timeoutSeconds', 'memoryLimitMb', 'maxOutputBytes']) assert.ok(restricted.includes(`pythonSandbox.${key}`), key);
  });

  it('persistentNamespace off: a variable from one run is gone in the next', async () => {
    await withSettings({ persistentNamespace: false }, async () => {
      await openDocument('fresh_value = 1\n');
      await command(CommandIds.execFile);
      assert.match(await peek('fresh_value'), /NameError: name 'fresh_value' is not defined/);
    });
    // And back on, runs share their namespace again.
    await openDocument('kept_value = 1\n');
    await command(CommandIds.execFile);
    assert.equal(await peek('kept_value'), '1');
  });

  it('timeoutSeconds ends an endless loop with a TimeoutError at the loop', async function () {
    this.timeout(30_000);
    await withSettings({ timeoutSeconds: 1 }, async () => {
      const editor = await openDocument('while True:\n    pass\n');
      await command(CommandIds.execFile);
      const diagnostic = onlyDiagnostic(editor.document.uri);
      assert.match(diagnostic.message, /^TimeoutError: the code ran longer than 1 s/);
      assert.ok(diagnostic.range.start.line <= 1, 'the diagnostic marks the loop');
    });
  });

  it('inlineResults: values go at the end of their line, and nowhere when off', async () => {
    /** Exec File (ending in a bare expression) and Eval Expression of `6 * 7` in a new document. */
    const runBoth = async (name: string): Promise<string[]> => {
      const editor = await openDocument(`${name} = 6 * 7\n${name} + 1\n`);
      await command(CommandIds.execFile);
      select(editor, [0, name.length + 3, 0, name.length + 8]);
      await command(CommandIds.evalExpression);
      return inlineValues(editor.document.uri);
    };
    assert.deepEqual(await runBoth('inline_on'), ['⇒ 43', '⇒ 42']);
    await withSettings({ inlineResults: false }, async () => {
      assert.deepEqual(await runBoth('inline_off'), []);
      assert.equal(await peek('inline_off'), '42', 'the runs themselves happened');
    });
  });
});
