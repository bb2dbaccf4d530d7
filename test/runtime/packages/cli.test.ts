/** The CLI's package options, run as a user would, against a loopback index. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cachedFiles, cacheDirsFor } from '../../fixtures/package-tests';
import { bundledLockInfo, DIST_DIR, generatePackageIndex, servePackageIndex, type PackageIndexServer } from '../../fixtures/package-index';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI. Asynchronous, unlike the other CLI tests: the index server answers from
 * this process, which must not be blocked while the CLI downloads.
 */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(DIST_DIR, 'cli.js'), ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const A = 'sandbox-demo-a';
const B = 'sandbox-demo-b';

describe('CLI: packages', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  let server: PackageIndexServer;
  const index = generatePackageIndex({
    info: bundledLockInfo(),
    lock: [
      { name: A, version: '1.0.0' },
      { name: B, version: '2.0.0', requires: [`${A}>=1`], init: 'from sandbox_demo_a import NAME as A_NAME\n' },
    ],
    pypi: [{ name: 'sandbox-pypi-d', version: '1.0.0', requires: [A] }],
  });
  const serverArgs = (): string[] => ['--index-url', server.indexUrl, '--pypi-url', server.pypiIndexUrl];

  before(async () => {
    server = await servePackageIndex(index);
  });
  after(() => server.close());

  it('loads what CODE imports, with its dependencies, into --cache-dir', async () => {
    const cacheDir = newCacheDir();
    const result = await cli([...serverArgs(), '--cache-dir', cacheDir, 'exec', 'import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)']);
    assert.deepEqual(result, { status: 0, stdout: 'sandbox-demo-a\n', stderr: '' });
    assert.deepEqual(
      cachedFiles(cacheDir)
        .filter((file) => file.startsWith('files/'))
        .map((file) => path.basename(file))
        .sort(),
      [index.wheels.get(A)!.fileName, index.wheels.get(B)!.fileName].sort(),
    );
  });

  it('--packages takes a comma list, requirement strings with commas included; --no-auto-packages leaves imports alone', async () => {
    const cacheDir = newCacheDir();
    const named = await cli([
      ...serverArgs(),
      '--cache-dir',
      cacheDir,
      '--no-auto-packages',
      '--packages',
      `${A}>=1,<2,sandbox-pypi-d`,
      'eval',
      '[__import__(m).NAME for m in ("sandbox_demo_a", "sandbox_pypi_d")]',
    ]);
    assert.deepEqual(named, { status: 0, stdout: '["sandbox-demo-a", "sandbox-pypi-d"]\n', stderr: '' });
    const notLoaded = await cli([...serverArgs(), '--cache-dir', cacheDir, '--no-auto-packages', 'exec', 'import sandbox_demo_b']);
    assert.equal(notLoaded.status, 1);
    assert.match(notLoaded.stderr, /\n {4}import sandbox_demo_b\nModuleNotFoundError: No module named 'sandbox_demo_b'\n$/);
  });

  it('reads a PEP 723 block', async () => {
    const script = `# /// script\n# dependencies = ["${B}"]\n# ///\nimport importlib\nprint(importlib.import_module("sandbox_demo_b").A_NAME)`;
    assert.deepEqual(await cli([...serverArgs(), '--cache-dir', newCacheDir(), 'exec', script]), {
      status: 0,
      stdout: 'sandbox-demo-a\n',
      stderr: '',
    });
  });

  it('a warm cache works with the index stopped and --offline', async () => {
    const cacheDir = newCacheDir();
    const own = await servePackageIndex(index);
    const args = ['--index-url', own.indexUrl, '--pypi-url', own.pypiIndexUrl, '--cache-dir', cacheDir];
    const code = 'import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)';
    assert.equal((await cli([...args, '--packages', 'sandbox-pypi-d', 'exec', code])).status, 0);
    await own.close();
    for (const extra of [[], ['--offline']]) {
      assert.deepEqual(await cli([...args, ...extra, '--packages', 'sandbox-pypi-d', 'exec', code]), {
        status: 0,
        stdout: 'sandbox-demo-a\n',
        stderr: '',
      });
    }
  });

  it('a package that cannot be had exits 2 with one line naming it and why, and the code does not run', async () => {
    const cacheDir = newCacheDir();
    const cases: Array<[string[], RegExp]> = [
      [['--offline', 'exec', 'print("ran")\nimport sandbox_demo_a'], /^PackageError: .*not in the package cache.*offline/],
      [['--packages', 'no-such-package', 'exec', 'print("ran")'], /^PackageError: no-such-package: micropip could not resolve/],
      [
        ['--packages', `${A}>=5`, 'exec', 'print("ran")'],
        new RegExp(`^PackageError: ${A}: the lock has 1.0.0, which does not satisfy '${A}>=5'`),
      ],
    ];
    for (const [args, pattern] of cases) {
      const result = await cli([...serverArgs(), '--cache-dir', cacheDir, ...args]);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.split('\n').length, 2, `one line: ${result.stderr}`);
    }
    const unreachable = await cli(['--index-url', 'http://127.0.0.1:9/pyodide/', '--cache-dir', cacheDir, 'exec', 'import sandbox_demo_a']);
    assert.equal(unreachable.status, 2);
    assert.match(
      unreachable.stderr,
      /^PackageError: the package index: cannot download http:\/\/127\.0\.0\.1:9\/pyodide\/pyodide-lock\.json/,
    );
  });

  it('with --json, stdout holds exactly one line for a package failure too', async () => {
    const result = await cli([...serverArgs(), '--cache-dir', newCacheDir(), '--offline', '--json', 'exec', 'import sandbox_demo_a']);
    assert.equal(result.status, 2);
    const lines = result.stdout.split('\n');
    assert.deepEqual(lines.length, 2);
    assert.match(
      (JSON.parse(lines[0]) as { err: string }).err,
      /^PackageError: .*not in the package cache, and downloads are off \(offline\)/,
    );
  });

  it('without --cache-dir, the cache is $XDG_CACHE_HOME/python-sandbox', async () => {
    const xdg = newCacheDir();
    const result = await cli([...serverArgs(), 'exec', 'import sandbox_demo_a'], { XDG_CACHE_HOME: xdg });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(cachedFiles(path.join(xdg, 'python-sandbox')).some((file) => file.endsWith(index.wheels.get(A)!.fileName)));
  });

  it('%pip install loads a package before the code runs, in exec and in a notebook run; %pip list lists it', async () => {
    const cacheDir = newCacheDir();
    // sandbox_demo_b is imported by a name the import scanner cannot see: only the %pip line loads it.
    const code = `%pip install -q ${B}\nimport importlib\nprint(importlib.import_module("sandbox_demo_b").A_NAME)`;
    const exec = await cli([...serverArgs(), '--cache-dir', cacheDir, 'exec', code]);
    assert.deepEqual(exec, { status: 0, stdout: `Loaded into this kernel: ${B} 2.0.0\nsandbox-demo-a\n`, stderr: '' });
    const notebook = path.join(newCacheDir(), 'pip.ipynb');
    const cell = (source: string): object => ({ cell_type: 'code', source, outputs: [], execution_count: null, metadata: {} });
    fs.writeFileSync(
      notebook,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [cell(`%pip install ${B}`), cell('%pip list'), cell(`%pip show ${B}`)],
      }),
    );
    const run = await cli(['notebook', notebook, ...serverArgs(), '--cache-dir', cacheDir, '--output', '-']);
    assert.equal(run.status, 0, run.stderr);
    const [install, list, show] = (JSON.parse(run.stdout) as { cells: Array<{ outputs: Array<{ text: string[] }> }> }).cells;
    assert.deepEqual(install.outputs[0].text, [`Loaded into this kernel: ${B} 2.0.0\n`]);
    const listed = list.outputs[0].text.join('');
    assert.match(listed, /^Package +Version\n-+ -+\n/);
    assert.match(listed, new RegExp(`\\n${A} +1\\.0\\.0\\n[\\s\\S]*${B} +2\\.0\\.0\\n`));
    assert.match(show.outputs[0].text.join(''), new RegExp(`^Name: ${B}\\nVersion: 2\\.0\\.0\\nSummary: .*\\nRequires: ${A}\\n$`));
    const unknown = await cli([...serverArgs(), '--cache-dir', cacheDir, 'exec', '%pip install no-such-package']);
    assert.equal(unknown.status, 2, 'a %pip requirement that cannot be had stops the run as an import would');
    assert.match(unknown.stderr, /^PackageError: no-such-package/);
  });

  it('bad package options exit 2 with the usage text', async () => {
    for (const args of [
      ['--index-url', 'not a url', 'exec', 'x'],
      ['--pypi-url', 'ftp://example.com/simple', 'exec', 'x'],
    ]) {
      const result = await cli(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /takes an http, https or file URL[\s\S]*usage: python-sandbox /);
    }
  });
});
