import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { PartResult } from './part-result';
import { INTEGRATION_INDEX, REPO_ROOT } from './paths';
import { freshRunDirs } from './scratch';
import { startVirtualDisplay } from './xvfb';

/** Where @vscode/test-electron caches the builds it downloaded. */
const TEST_ELECTRON_CACHE = path.join(REPO_ROOT, '.vscode-test');

/**
 * A desktop VS Code that can be used without a download: VSCODE_EXECUTABLE, or a build
 * already cached by @vscode/test-electron. Returns undefined when there is none; this check
 * never touches the network.
 */
export function findDesktopExecutable(): string | undefined {
  const named = process.env.VSCODE_EXECUTABLE;
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`VSCODE_EXECUTABLE=${named} does not exist`);
    return named;
  }
  if (!fs.existsSync(TEST_ELECTRON_CACHE)) return undefined;
  const candidates = fs
    .readdirSync(TEST_ELECTRON_CACHE)
    .filter((d) => d.startsWith(`vscode-${process.platform === 'linux' ? 'linux' : process.platform}`))
    .sort()
    .reverse()
    .map((d) => path.join(TEST_ELECTRON_CACHE, d, process.platform === 'win32' ? 'Code.exe' : 'code'));
  return candidates.find((c) => fs.existsSync(c));
}

/** VS Code version of a desktop build, from resources/app/package.json next to the binary. */
function desktopVersion(executable: string): string {
  try {
    const pkg = path.join(path.dirname(executable), 'resources', 'app', 'package.json');
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the integration suite with @vscode/test-electron. Without an executable (forced
 * desktop mode), test-electron downloads the current stable build. On Linux without a
 * display the run goes through xvfb-run.
 */
export async function runOnDesktop(executable: string | undefined): Promise<PartResult> {
  console.log(
    `[launch] host: VS Code desktop (@vscode/test-electron), VS Code ${executable ? desktopVersion(executable) : 'stable (download)'}`,
  );
  const dirs = freshRunDirs('desktop');
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    // runTests starts VS Code with our environment, so a DISPLAY set here reaches it.
    process.env.DISPLAY = await startVirtualDisplay();
  }
  try {
    const code = await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : {}),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: INTEGRATION_INDEX,
      launchArgs: [
        dirs.workspace,
        '--user-data-dir',
        dirs.userData,
        '--extensions-dir',
        path.join(dirs.root, 'extensions'),
        '--disable-workspace-trust',
        '--disable-gpu',
        '--no-sandbox',
      ],
      extensionTestsEnv: { SANDBOX_TEST_HOST: 'desktop' },
    });
    return { code, failures: [] };
  } catch (err) {
    console.error(`[launch] desktop run failed: ${err instanceof Error ? err.message : String(err)}`);
    return { code: 1, failures: [] };
  }
}
