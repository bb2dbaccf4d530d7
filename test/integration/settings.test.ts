import * as assert from 'node:assert/strict';
import { closeAllEditors, command, CommandIds, onlyDiagnostic, openDocument, peek, withSettings } from './helpers';

describe('settings', () => {
  afterEach(closeAllEditors);

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
});
