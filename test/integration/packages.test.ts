import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstallOutcome } from '../../src/commands/package-commands';
import { defaultIndexUrl } from '../../src/packages/manager';
import {
  bundledLockInfo,
  DEMO_PACKAGES,
  generatePackageIndex,
  type PackageIndexServer,
  servePackageIndex,
} from '../fixtures/package-index';
import { api, closeAllEditors, command, CommandIds, extension, peek, runThenPeek, withSettings } from './helpers';

/** Every setting of the package group, with a value unlike its default. */
const PACKAGE_SETTINGS = {
  'packages.preload': ['sandbox-demo-a'],
  'packages.install': 'never',
  'packages.indexUrl': 'http://127.0.0.1:9/pyodide/',
  'packages.pypiIndexUrl': 'http://127.0.0.1:9/simple',
  'packages.maxDownloadMb': 5,
} as const;

describe('packages in the editor', function () {
  this.timeout(120_000);
  let server: PackageIndexServer;
  const index = generatePackageIndex({
    info: bundledLockInfo(),
    lock: [
      ...DEMO_PACKAGES,
      { name: 'sandbox-demo-c', version: '3.0.0' },
      { name: 'sandbox-demo-d', version: '4.0.0' },
      { name: 'sandbox-demo-e', version: '5.0.0' },
    ],
    micropip: false,
  });
  /** The loopback index, and downloads without asking (the consent notification is a UI check). */
  const online = (): Parameters<typeof withSettings>[0] => ({ 'packages.indexUrl': server.indexUrl, 'packages.install': 'auto' });

  before(async () => {
    server = await servePackageIndex(index);
    await extension().activate();
  });
  after(() => server.close());
  afterEach(closeAllEditors);

  it('reads every package setting, each next to the others (no setting is a prefix of another)', async () => {
    const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('pythonSandbox');
    assert.equal(config().get('packages.indexUrl'), defaultIndexUrl(), "the default index is Pyodide's CDN folder for the bundled Pyodide");
    assert.equal(config().get('packages.install'), 'ask');
    await withSettings(PACKAGE_SETTINGS, async () => {
      for (const [key, value] of Object.entries(PACKAGE_SETTINGS)) assert.deepEqual(config().get(key), value, key);
    });
    const keys = Object.keys(
      (extension().packageJSON as { contributes: { configuration: { properties: object } } }).contributes.configuration.properties,
    );
    for (const key of keys) assert.ok(!keys.some((other) => other.startsWith(`${key}.`)), `${key} is a prefix of another setting`);
  });

  it('an untrusted workspace cannot choose where packages come from, nor turn consent off', () => {
    const restricted = (extension().packageJSON as { capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } } })
      .capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['install', 'indexUrl', 'pypiIndexUrl', 'maxDownloadMb'])
      assert.ok(restricted.includes(`pythonSandbox.packages.${key}`), key);
  });

  it('loads what the code imports, with its dependencies, into the user runtime', async () => {
    await withSettings(online(), async () => {
      assert.equal(await runThenPeek('import sandbox_demo_b', 'sandbox_demo_b.A_NAME'), "'sandbox-demo-a'");
    });
  });

  it('packages.preload loads its packages before every run', async () => {
    await withSettings({ ...online(), 'packages.preload': ['sandbox-demo-c'] }, async () => {
      assert.equal(
        await peek(
          '__import__("sys").modules.get("sandbox_demo_c") is None and __import__("importlib").import_module("sandbox_demo_c").VERSION',
        ),
        "'3.0.0'",
      );
    });
  });

  it('"never": a package that is not cached is not downloaded, and the run does not start', async () => {
    const sandbox = await api();
    await withSettings({ 'packages.indexUrl': server.indexUrl, 'packages.install': 'never' }, async () => {
      const result = await sandbox.exec('print("ran")\nimport sandbox_demo_d');
      assert.ok('err' in result);
      assert.match(
        result.err,
        /^PackageError: sandbox-demo-d 4\.0\.0: not in the package cache, and pythonSandbox\.packages\.install is "never"/,
      );
    });
  });

  it('an index that cannot be reached: the run does not start, and the error names the index', async () => {
    const sandbox = await api();
    await withSettings({ 'packages.indexUrl': 'http://127.0.0.1:9/pyodide/', 'packages.install': 'auto' }, async () => {
      const result = await sandbox.exec('print("ran")\nimport sandbox_demo_d');
      assert.ok('err' in result);
      assert.match(result.err, /^PackageError: the package index: cannot download http:\/\/127\.0\.0\.1:9\/pyodide\/pyodide-lock\.json/);
    });
  });

  it('the API loads what its code imports, by the same rules', async () => {
    const sandbox = await api();
    await withSettings(online(), async () => {
      assert.deepEqual(await sandbox.exec('import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)'), { ok: 'sandbox-demo-a\n' });
    });
  });

  it('Install Packages loads named packages; after a restart they load again from the cache, with the index stopped', async () => {
    const own = await servePackageIndex(index);
    await withSettings({ 'packages.indexUrl': own.indexUrl, 'packages.install': 'ask' }, async () => {
      const outcome = await command<InstallOutcome>(CommandIds.installPackages, ['sandbox-demo-e']);
      assert.deepEqual(outcome, { loaded: ['sandbox-demo-e'] }, 'naming the package is consent enough');
      await own.close();
      await command(CommandIds.restart);
      assert.equal(
        await peek(
          '__import__("sys").modules.get("sandbox_demo_e") is None and __import__("importlib").import_module("sandbox_demo_e").VERSION',
        ),
        "'5.0.0'",
      );
    });
  });

  it('Clear Package Cache empties the cache: with the index gone, a package it held cannot be had', async () => {
    const own = await servePackageIndex(index);
    const sandbox = await api();
    await withSettings({ 'packages.indexUrl': own.indexUrl, 'packages.install': 'auto' }, async () => {
      const code = 'import sandbox_demo_a\nprint(sandbox_demo_a.VERSION)';
      assert.deepEqual(await sandbox.exec(code), { ok: '1.0.0\n' });
      await own.close();
      assert.deepEqual(await sandbox.exec(code), { ok: '1.0.0\n' }, 'from the cache');
      await command(CommandIds.clearPackageCache);
      const result = await sandbox.exec(code);
      assert.ok('err' in result && /^PackageError: the package index: cannot download/.test(result.err), JSON.stringify(result));
    });
  });

  it("the agent tool's answer names the packages it loaded", async function () {
    if (typeof vscode.lm?.invokeTool !== 'function') this.skip();
    await withSettings(online(), async () => {
      const result = await vscode.lm.invokeTool('python_sandbox_run', {
        input: { code: 'import sandbox_demo_b\nsandbox_demo_b.A_NAME' },
        toolInvocationToken: undefined,
      });
      const answer = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      assert.match(answer, /^status: ok\n/);
      assert.match(
        answer,
        /\npackages loaded: sandbox-demo-a 1\.0\.0 \((cached|downloaded)\), sandbox-demo-b 2\.0\.0 \((cached|downloaded)\)\n/,
      );
    });
  });
});
