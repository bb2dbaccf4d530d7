/**
 * The npm package is the command-line tool: packed with `npm pack` from the built dist/,
 * installed into a fresh folder (offline: it has no dependencies, everything is bundled), and
 * run as a user runs it, with `npx python-sandbox`.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../launch/paths';

/** The environment without what an outer `npm run` exports, which the inner npm would take as its own configuration. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'));
}

describe('the npm package', function () {
  this.timeout(300_000);
  let folder: string;
  let project: string;

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-npm-'));
    project = path.join(folder, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{ "private": true }\n');
    const env = cleanEnv();
    // The scripts would rebuild dist/; the package is what the build made.
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', folder], { cwd: REPO_ROOT, env })
      .toString()
      .trim()
      .split('\n')
      .pop()!;
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', path.join(folder, packed)], { cwd: project, env });
  });

  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  const npx = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync('npx', ['--no-install', 'python-sandbox', ...args], {
      cwd: project,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('installs with no dependency, and `npx python-sandbox exec` runs code in the sandbox', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'python-sandbox', 'package.json'), 'utf8')) as {
      dependencies?: object;
    };
    assert.equal(installed.dependencies, undefined, 'everything it needs is bundled');
    assert.deepEqual(npx('exec', 'import sys; print(sys.platform, 6 * 7)'), { status: 0, stdout: 'emscripten 42\n', stderr: '' });
  });

  it('carries the third-party notices', () => {
    assert.ok(fs.existsSync(path.join(project, 'node_modules', 'python-sandbox', 'ThirdPartyNotices.txt')));
  });
});
