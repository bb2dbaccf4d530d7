import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser';
import type { PartResult } from './part-result';
import { startIsolatingProxy } from './isolating-proxy';
import { startLoopbackListener } from './loopback-listener';
import { INTEGRATION_INDEX, REPO_ROOT, WEB_INTEGRATION_INDEX } from './paths';
import { provisionServer } from './provision';
import { freshRunDirs } from './scratch';
import { remoteUri, startServer, WEB_WORKER_HOST_SETTINGS, workbenchUrl } from './server';
import { startWebPackageIndexes } from './web-package-indexes';
import { writeWebTestSetup } from './web-test-setup';

/** Whole-run limit for the suite inside the server (override with SANDBOX_TEST_TIMEOUT_MS). */
const TIMEOUT_MS = Number(process.env.SANDBOX_TEST_TIMEOUT_MS ?? 10 * 60_000);

/** The page hook gets console-style arguments (mocha's reporter uses printf formats). */
function formatLog(args: unknown): string {
  return Array.isArray(args) ? format(...(args as unknown[])) : String(args);
}

/**
 * The workbench's own log goes through the same hook as the suite's output. These lines are
 * expected offline (no gallery, no chat sign-in, connection chatter) and hide the test results;
 * SANDBOX_TEST_VERBOSE=1 shows them.
 */
const WORKBENCH_NOISE = [
  /^\[[A-Za-z][\w:.-]*\] /,
  /^\[Service Worker\] registration/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /getaddrinfo ENOTFOUND/,
];

/**
 * Runs the integration suite in the extension host of the VS Code server from code-server,
 * driven by headless Chromium. Resolves with the suite's exit code and the failures it printed,
 * which the launcher repeats at the end: CI keeps only the tail of a long log.
 * @param host `node`: the suite in the server's Node extension host. `web`: the web part
 *   (test/web) in the browser's web worker extension host, the extension's `browser` entry as in
 *   vscode.dev; `web-isolated`: the same through a proxy that makes the page cross-origin isolated.
 */
export async function runOnServer(host: 'node' | 'web' | 'web-isolated' = 'node'): Promise<PartResult> {
  const web = host !== 'node';
  const isolated = host === 'web-isolated';
  const toolchain = await provisionServer();
  const described = { node: 'Node', web: 'web worker', 'web-isolated': 'web worker, cross-origin isolated,' }[host];
  console.log(`[launch] host: VS Code server (code-server npm package), VS Code ${toolchain.vscodeVersion}, ${described} extension host`);
  const dirs = freshRunDirs(`integration-${host}`);
  const verbose = Boolean(process.env.SANDBOX_TEST_VERBOSE);
  if (web) {
    // What the web tests reach from the browser's extension host: a listener and package indexes on loopback.
    writeWebTestSetup(dirs.workspace, {
      loopbackUrl: await startLoopbackListener(),
      crossOriginIsolated: isolated,
      packageIndexes: await startWebPackageIndexes(),
    });
  }
  const direct = await startServer(toolchain, {
    smokeTestDriver: true,
    dataDir: path.join(dirs.root, 'server'),
    verbose,
    ...(web ? { settings: WEB_WORKER_HOST_SETTINGS } : {}),
  });
  const server = isolated
    ? { ...direct, ...(await startIsolatingProxy({ host: '127.0.0.1', port: Number(new URL(direct.url).port) })) }
    : direct;
  const { page } = await launchBrowser();

  const failures: string[] = [];
  const exited = new Promise<number>((resolve) => {
    // The workbench calls these two page functions: the suite's output, then its result.
    void page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const line = formatLog(args);
      if (!verbose && WORKBENCH_NOISE.some((re) => re.test(line))) return;
      if (line.startsWith('FAILED: ')) failures.push(line.split('\n', 2).join(': '));
      if (type === 'error') console.error(line);
      else console.log(line);
    });
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
  });
  page.on('crash', () => console.error('[launch] the workbench page crashed'));
  // A nested worker's console reaches neither the suite's output nor the page's: its warnings and
  // errors are the only trace of a runtime that fails to start.
  page.on('worker', (worker) =>
    worker.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') console.error(`[worker] ${message.text()}`);
    }),
  );
  const timedOut = new Promise<number>((resolve) =>
    setTimeout(() => {
      console.error(`[launch] no result from the extension host within ${TIMEOUT_MS / 1000} s`);
      resolve(1);
    }, TIMEOUT_MS).unref(),
  );

  const serverDied = new Promise<number>((resolve) => server.process.once('exit', () => resolve(1)));
  await page.goto(
    workbenchUrl(server, dirs.workspace, [
      ['extensionDevelopmentPath', remoteUri(server, REPO_ROOT)],
      ['extensionTestsPath', remoteUri(server, web ? WEB_INTEGRATION_INDEX : INTEGRATION_INDEX)],
      ['skipWelcome', 'true'],
    ]),
  );
  return { code: await Promise.race([exited, timedOut, serverDied]), failures };
}
