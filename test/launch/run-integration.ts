/**
 * Runs the integration suite (out/test/integration) inside a real VS Code extension host.
 *
 * Host choice: SANDBOX_TEST_HOST=desktop|server forces one. Otherwise the desktop build is used
 * when one is available without a download (VSCODE_EXECUTABLE, or cached by
 * @vscode/test-electron in .vscode-test/), else the VS Code server from the npm code-server
 * package, provisioned into .cache/ on first use. Exit code: 0 only when the suite passed.
 */
import * as fs from 'node:fs';
import { findDesktopExecutable, runOnDesktop } from './host-desktop';
import { runOnServer } from './host-server';
import { INTEGRATION_INDEX } from './paths';
import { main } from './processes';

main(async () => {
  if (!fs.existsSync(INTEGRATION_INDEX)) throw new Error(`${INTEGRATION_INDEX} missing: run npm run build first`);
  const forced = process.env.SANDBOX_TEST_HOST;
  if (forced && forced !== 'desktop' && forced !== 'server') {
    throw new Error(`SANDBOX_TEST_HOST must be desktop or server, not ${forced}`);
  }
  const started = Date.now();
  let code: number;
  if (forced === 'desktop') {
    code = await runOnDesktop(findDesktopExecutable());
  } else if (forced === 'server') {
    code = await runOnServer();
  } else {
    const desktop = findDesktopExecutable();
    if (!desktop) console.log('[launch] no desktop VS Code without a download; using the VS Code server');
    code = desktop ? await runOnDesktop(desktop) : await runOnServer();
  }
  console.log(
    `[launch] integration suite ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return code;
});
