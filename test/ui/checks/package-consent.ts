import * as assert from 'node:assert/strict';
import { bundledLockInfo, generatePackageIndex, servePackageIndex } from '../../fixtures/package-index';
import type { UiCheck } from '../check';

/** The consent question for packages.py's imports (two packages of the test index). */
const QUESTION = /needs sandbox-demo-a 1\.0\.0, sandbox-demo-b 2\.0\.0: [\d.]+ MB to download from 127\.0\.0\.1:\d+/;

/**
 * `packages.install: ask` (the default): Exec File on code that imports packages the cache lacks
 * asks first, naming them, their size and where from, with Load, Always and Cancel. Cancel
 * stops the run before it starts; Load downloads, and the output channel says what loaded.
 * After a restart, the cached packages load again without asking.
 */
export const packageConsent: UiCheck = {
  name: 'package-consent',
  async setUp() {
    const index = generatePackageIndex({
      info: bundledLockInfo(),
      lock: [
        { name: 'sandbox-demo-a', version: '1.0.0' },
        { name: 'sandbox-demo-b', version: '2.0.0', requires: ['sandbox-demo-a'], init: 'from sandbox_demo_a import NAME as A_NAME\n' },
      ],
      micropip: false,
    });
    const server = await servePackageIndex(index);
    return { settings: { 'pythonSandbox.packages.indexUrl': server.indexUrl }, tearDown: () => server.close() };
  },
  async run(wb) {
    await wb.openFile('packages.py');
    await wb.runCommand('Sandbox: Exec File');
    const asked = await wb.waitForNotification(QUESTION);
    assert.match(asked.message, /^Python Sandbox: packages\.py:1-4 needs/);
    assert.deepEqual(asked.buttons, ['Load', 'Always', 'Cancel']);

    await wb.clickNotificationButton(QUESTION, 'Cancel');
    await wb.runCommand('Sandbox: Show Output');
    await wb.waitForOutput(
      /▶ exec packages\.py:1-4\n✗ PackageError: sandbox-demo-a 1\.0\.0, sandbox-demo-b 2\.0\.0: not downloaded \(cancelled\); the code did not run/,
    );

    await wb.openFile('packages.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.waitForNotification(QUESTION);
    await wb.clickNotificationButton(QUESTION, 'Load');
    await wb.waitForOutput(
      /loaded sandbox-demo-a 1\.0\.0 \(downloaded\), sandbox-demo-b 2\.0\.0 \(downloaded\)\nimported from sandbox-demo-a\n✓ /,
    );

    await wb.runCommand('Sandbox: Restart Runtime');
    await wb.openFile('packages.py');
    await wb.runCommand('Sandbox: Exec File');
    const text = await wb.waitForOutput(
      /loaded sandbox-demo-a 1\.0\.0 \(cached\), sandbox-demo-b 2\.0\.0 \(cached\)\nimported from sandbox-demo-a\n✓ /,
    );
    assert.equal(await wb.showsNotification(QUESTION), false, 'cached packages load without asking');
    assert.equal(text.match(/\(downloaded\)/g)?.length, 2, 'nothing was downloaded the second time');
  },
};
