/**
 * UI checks: the normal VS Code web workbench (no test payload) in headless Chromium, driven
 * by keyboard and mouse like a person would. Screenshots go to test-results/ui/.
 * Usage: node out/test/ui/run-ui.js [--update-media] [check-name...]
 *   --update-media  copies the screenshots listed in MEDIA_SHOTS to media/ for the README.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser } from '../launch/browser';
import { REPO_ROOT, RESULTS_DIR } from '../launch/paths';
import { main } from '../launch/processes';
import { provisionServer, type ServerToolchain } from '../launch/provision';
import { freshRunDirs } from '../launch/scratch';
import { installVsix, remoteUri, startServer, stopServer, workbenchUrl, type Payload } from '../launch/server';
import type { UiCheck } from './check';
import { CHECKS } from './checks';
import { findExtensionSource, type ExtensionSource } from './extension-source';
import { Workbench } from './workbench';

const SCREENSHOTS = path.join(RESULTS_DIR, 'ui');
const CHECK_TIMEOUT_MS = 120_000;
/** Screenshots kept under media/ for the README: which check's final state, and where. */
const MEDIA_SHOTS = [
  { check: 'exec-selection-from-palette', file: path.join(REPO_ROOT, 'media', 'screenshot-output.png') },
  { check: 'problems-from-error', file: path.join(REPO_ROOT, 'media', 'screenshot-problems.png') },
  { check: 'eval-inline-value', file: path.join(REPO_ROOT, 'media', 'screenshot-inline.png') },
  { check: 'exec-selection-in-web-worker-host', file: path.join(REPO_ROOT, 'media', 'screenshot-web.png') },
  { check: 'notebook-outputs', file: path.join(REPO_ROOT, 'media', 'screenshot-notebook.png') },
  { check: 'output-view-image', file: path.join(REPO_ROOT, 'media', 'screenshot-output-view.png') },
  { check: 'context-menu-shows-keys', file: path.join(REPO_ROOT, 'media', 'screenshot-context-menu.png') },
  { check: 'run-button-runs-the-file', file: path.join(REPO_ROOT, 'media', 'screenshot-run-button.png') },
  { check: 'walkthrough', file: path.join(REPO_ROOT, 'media', 'screenshot-walkthrough.png') },
  { check: 'package-consent-question', file: path.join(REPO_ROOT, 'media', 'screenshot-packages.png') },
  { check: 'variables-view', file: path.join(REPO_ROOT, 'media', 'screenshot-variables.png') },
];

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one check in its own server, browser and fresh workspace; resolves with an error message or undefined. */
async function runCheck(toolchain: ServerToolchain, source: ExtensionSource, check: UiCheck): Promise<string | undefined> {
  const dirs = freshRunDirs(`ui-${check.name}`);
  const fixture = await check.setUp?.();
  const settings = { ...check.settings, ...fixture?.settings };
  if (Object.keys(settings).length > 0) {
    fs.mkdirSync(path.join(dirs.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(dirs.workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  }
  const dataDir = path.join(dirs.root, 'server');
  if (source.kind === 'vsix') await installVsix(toolchain, dataDir, source.file);
  // The development folder can only be loaded through the payload, which needs the smoke-test driver.
  const server = await startServer(toolchain, {
    smokeTestDriver: source.kind === 'development',
    dataDir,
    ...(check.userSettings ? { settings: check.userSettings } : {}),
  });
  const browser = await launchBrowser(check.viewport, check.userAgent);
  const wb = new Workbench(browser.page, SCREENSHOTS);
  try {
    const payload: Payload | undefined =
      source.kind === 'development'
        ? [
            ['extensionDevelopmentPath', remoteUri(server, source.folder)],
            ['skipWelcome', 'true'],
          ]
        : undefined;
    await browser.page.goto(workbenchUrl(server, dirs.workspace, payload));
    await wb.waitReady();
    await withTimeout(check.run(wb), CHECK_TIMEOUT_MS, check.name);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    const shot = await wb.screenshot(check.name).catch(() => undefined);
    if (shot) console.log(`    screenshot: ${path.relative(REPO_ROOT, shot)}`);
    await browser.context.close().catch(() => undefined);
    await stopServer(server);
    await fixture?.tearDown();
  }
}

main(async () => {
  const args = process.argv.slice(2);
  const updateMedia = args.includes('--update-media');
  const only = args.filter((a) => !a.startsWith('--'));
  const checks = only.length ? CHECKS.filter((c) => only.includes(c.name)) : CHECKS;
  if (!checks.length) throw new Error(`no UI check named ${only.join(', ')}`);

  const toolchain = await provisionServer();
  const source = findExtensionSource();
  console.log(`[ui] host: VS Code server (code-server npm package), VS Code ${toolchain.vscodeVersion}`);
  console.log(`[ui] extension from ${source.kind === 'vsix' ? path.basename(source.file) : 'the development folder'}`);

  let passed = 0;
  let failed = 0;
  const report = (mark: string, name: string, ms: number, error?: string): void =>
    console.log(`  ${mark} ${name} (${ms} ms)${error ? `\n      ${error.split('\n').join('\n      ')}` : ''}`);
  for (const check of checks) {
    let started = Date.now();
    let error = await runCheck(toolchain, source, check);
    // A browser driving a workbench has timing it does not control; a check gets one more try
    // in a fresh server, and the log says so.
    if (error) {
      report('↻', `${check.name}: failed once, trying again`, Date.now() - started, error);
      started = Date.now();
      error = await runCheck(toolchain, source, check);
    }
    if (error) failed++;
    else passed++;
    report(error ? '✘' : '✔', check.name, Date.now() - started, error);
  }
  for (const shot of updateMedia ? MEDIA_SHOTS : []) {
    const source = path.join(SCREENSHOTS, `${shot.check}.png`);
    if (!fs.existsSync(source)) continue;
    fs.mkdirSync(path.dirname(shot.file), { recursive: true });
    fs.copyFileSync(source, shot.file);
    console.log(`[ui] updated ${path.relative(REPO_ROOT, shot.file)}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
});
