import * as assert from 'node:assert/strict';
import { bundledLockInfo, DEMO_PACKAGES, generatePackageIndex, servePackageIndex } from '../../fixtures/package-index';
import type { CheckFixture, UiCheck } from '../check';

/** The consent question for packages.py's imports (two packages of the test index). */
const QUESTION = /needs sandbox-demo-a 1\.0\.0, sandbox-demo-b 2\.0\.0: \d+ kB to download from 127\.0\.0\.1:\d+/;

/** A loopback index with packages.py's two packages, and the setting that points the extension at it. */
async function serveDemoIndex(): Promise<CheckFixture> {
  const index = generatePackageIndex({
    info: bundledLockInfo(),
    lock: [...DEMO_PACKAGES],
    micropip: false,
  });
  const server = await servePackageIndex(index);
  return { settings: { 'pythonSandbox.packages.indexUrl': server.indexUrl }, tearDown: () => server.close() };
}

/** The consent question, as the README and the walkthrough show it: the check ends with it open. */
export const packageConsentQuestion: UiCheck = {
  name: 'package-consent-question',
  setUp: serveDemoIndex,
  async run(wb) {
    await wb.openFile('packages.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.waitForNotification(QUESTION);
  },
};

/**
 * `packages.install: ask` (the default): Exec File on code that imports packages the cache lacks
 * asks first, naming them, their size and where from, with Load, Always and Cancel. Cancel
 * stops the run before it starts; Load downloads, and the output channel says what loaded.
 * After a restart, the cached packages load again without asking.
 */
export const packageConsent: UiCheck = {
  name: 'package-consent',
  setUp: serveDemoIndex,
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

/**
 * Sandbox: Install Packages… lists the index's packages with versions and sizes; a name typed
 * and accepted loads it (with its dependencies) into the runtime, as a run in the output channel.
 */
export const installPackagesPick: UiCheck = {
  name: 'install-packages-pick',
  setUp: serveDemoIndex,
  async run(wb) {
    await wb.openFile('hello.py');
    await wb.runCommand('Sandbox: Install Packages…', true);
    const box = wb.page.locator('.quick-input-widget');
    const row = box.locator('.monaco-list-row', { hasText: 'sandbox-demo-a' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /sandbox-demo-a\s*1\.0\.0 · \d+ kB/);
    await wb.page.keyboard.type('sandbox-demo-b');
    await wb.page.keyboard.press('Enter');
    await wb.waitForOutput(
      /▶ exec Install Packages\nloaded sandbox-demo-a 1\.0\.0 \(downloaded\), sandbox-demo-b 2\.0\.0 \(downloaded\)\n✓ /,
    );
  },
};
