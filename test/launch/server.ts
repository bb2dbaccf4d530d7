import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { ServerToolchain } from './provision';
import { run, startTracked, stopTracked } from './processes';

/** A running VS Code server (from code-server) on a loopback port. */
export interface VsCodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Authority used in vscode-remote:// URIs, e.g. 127.0.0.1:41234 */
  authority: string;
  process: ChildProcess;
}

/** Options for {@link startServer}. */
export interface ServerOptions {
  /** Needed for the payload (extension tests) URL; the plain UI works without it. */
  smokeTestDriver: boolean;
  /** Server data, user data and extensions live below this (fresh per run). */
  dataDir: string;
  /** Show the server's own log lines (noisy offline: open-vsx, telemetry). */
  verbose?: boolean;
  /** User settings beyond the test defaults (e.g. `remote.extensionKind` to force the web worker host). */
  settings?: Record<string, unknown>;
  /** Keep workspace trust on, so that a workspace opens untrusted (Restricted Mode); by default it is off and every workspace trusted. */
  workspaceTrust?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Environment for the server: Node 24 first on PATH, no NODE_OPTIONS/NODE_PATH (so nothing
 * from the developer's setup leaks into the extension host), and private TMPDIR/XDG folders
 * so nothing lands in the home directory.
 */
function serverEnv(toolchain: ServerToolchain, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  delete env.ELECTRON_RUN_AS_NODE;
  const xdg = path.join(dataDir, 'xdg');
  const dirs = { TMPDIR: 'tmp', XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_CACHE_HOME: 'cache' };
  for (const [key, sub] of Object.entries(dirs)) {
    env[key] = path.join(xdg, sub);
    fs.mkdirSync(env[key], { recursive: true });
  }
  env.PATH = `${path.dirname(toolchain.node)}${path.delimiter}${process.env.PATH ?? ''}`;
  return env;
}

function dirFlags(dataDir: string): string[] {
  return [
    '--server-data-dir',
    dataDir,
    '--user-data-dir',
    path.join(dataDir, 'user-data'),
    '--extensions-dir',
    path.join(dataDir, 'extensions'),
  ];
}

/**
 * User settings for a test server: no AI/chat features, no gallery updates and no telemetry,
 * none of which can work offline, and no welcome page in the way of the editor.
 */
const TEST_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'update.mode': 'none',
};

function writeUserSettings(dataDir: string, settings: Record<string, unknown> = {}): void {
  const userDir = path.join(dataDir, 'user-data', 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...TEST_SETTINGS, ...settings }, null, 2));
}

/** Runs the extension in the browser's web worker extension host instead of the server's Node one. */
export const WEB_WORKER_HOST_SETTINGS = { 'remote.extensionKind': { 'python-sandbox.python-sandbox': ['web'] } };

/** Installs a packaged extension into the server's extensions folder (before it starts). */
export async function installVsix(toolchain: ServerToolchain, dataDir: string, vsix: string): Promise<void> {
  await run(toolchain.node, [toolchain.serverMain, '--install-extension', vsix, '--force', ...dirFlags(dataDir)], {
    env: serverEnv(toolchain, dataDir),
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`VS Code server exited early with ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`VS Code server did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/** Starts server-main.js with Node 24 on a free loopback port and waits until it answers. */
export async function startServer(toolchain: ServerToolchain, options: ServerOptions): Promise<VsCodeServer> {
  const port = await freePort();
  writeUserSettings(options.dataDir, options.settings);
  const args = [
    toolchain.serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-telemetry',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    ...dirFlags(options.dataDir),
  ];
  if (options.smokeTestDriver) args.push('--enable-smoke-test-driver');
  const child = startTracked(toolchain.node, args, {
    env: serverEnv(toolchain, options.dataDir),
    stdio: ['ignore', options.verbose ? 'inherit' : 'ignore', options.verbose ? 'inherit' : 'pipe'],
  });
  // Keep stderr visible only when it matters: print it if the server dies.
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.once('exit', (code, signal) => {
    if (code && !signal) console.error(`[server] exited with ${code}\n${stderr}`);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, 30_000);
  return { url, authority: `127.0.0.1:${port}`, process: child };
}

/** Workbench query parameters beyond the folder; honoured only with the smoke-test driver. */
export type Payload = Array<[string, string]>;

/** URI of a path on the server's machine as the workbench names it. */
export function remoteUri(server: VsCodeServer, absPath: string): string {
  return `vscode-remote://${server.authority}${absPath}`;
}

/**
 * URL that opens the workbench on a folder. A payload can name the extension under development
 * (extensionDevelopmentPath) and a test entry (extensionTestsPath), as remote URIs.
 */
export function workbenchUrl(server: VsCodeServer, folder: string, payload?: Payload): string {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Ends the server's process group (the extension host with it) and waits until it is gone. */
export function stopServer(server: VsCodeServer): Promise<void> {
  return stopTracked(server.process);
}
