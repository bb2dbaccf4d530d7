/**
 * Runs the integration suite (out/test/integration) inside a real VS Code extension host.
 *
 * Host choice: SANDBOX_TEST_HOST=desktop|server forces one. Otherwise the desktop build is used
 * when one is available without a download (VSCODE_EXECUTABLE, or cached by
 * @vscode/test-electron in .vscode-test/), else the VS Code server from the npm code-server
 * package, provisioned into .cache/ on first use. Then the web part (test/web) runs in the VS
 * Code server's web worker extension host, as the extension runs in vscode.dev;
 * SANDBOX_TEST_HOST=web runs only that. Exit code: 0 only when every part passed.
 */
import * as fs from 'node:fs';
import { findDesktopExecutable, runOnDesktop } from './host-desktop';
import { runOnServer } from './host-server';
import type { PartResult } from './part-result';
import { INTEGRATION_INDEX, WEB_INTEGRATION_INDEX } from './paths';
import { main } from './processes';

main(async () => {
  for (const index of [INTEGRATION_INDEX, WEB_INTEGRATION_INDEX])
    if (!fs.existsSync(index)) throw new Error(`${index} missing: run npm run build first`);
  const forced = process.env.SANDBOX_TEST_HOST;
  if (forced && forced !== 'desktop' && forced !== 'server' && forced !== 'web') {
    throw new Error(`SANDBOX_TEST_HOST must be desktop, server or web, not ${forced}`);
  }
  const started = Date.now();
  const parts = new Map<string, PartResult>();
  if (forced === 'desktop') {
    parts.set('desktop', await runOnDesktop(findDesktopExecutable()));
  } else if (forced === 'server') {
    parts.set('node', await runOnServer('node'));
  } else if (!forced) {
    const desktop = findDesktopExecutable();
    if (!desktop) console.log('[launch] no desktop VS Code without a download; using the VS Code server');
    parts.set(desktop ? 'desktop' : 'node', desktop ? await runOnDesktop(desktop) : await runOnServer('node'));
  }
  if (!forced || forced === 'web') {
    for (const host of ['web', 'web-isolated'] as const) parts.set(host, await runOnServer(host));
  }
  let code = 0;
  for (const [name, part] of parts) {
    console.log(`[launch] ${name} part ${part.code === 0 ? 'passed' : `FAILED (exit ${part.code})`}`);
    for (const failure of part.failures) console.log(`[launch]   ${failure}`);
    code ||= part.code;
  }
  console.log(
    `[launch] integration suite ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return code;
});
