/**
 * Packages in the web worker extension host, as on Node (test/integration/packages.test.ts): the
 * extension host downloads and verifies them with its own `fetch`, caches them in the
 * extension's global storage through `vscode.workspace.fs`, and hands the browser worker their
 * bytes before the run. The launcher serves the package indexes on loopback (see
 * test/launch/web-package-indexes.ts) and says where in `web-test.json`.
 */
import * as assert from 'node:assert/strict';
import type { InstallOutcome } from '../../src/commands/package-commands';
import { api, closeAllEditors, command, CommandIds, extension, peek, runThenPeek, runtimeInfo, withSettings } from '../integration/helpers';
import type { WebTestSetup } from '../launch/web-test-setup';
import { everyRouteFails, requestsHeard, webTestSetup, type BrowserInfo } from './helpers';

describe('packages in the web worker extension host', function () {
  this.timeout(120_000);
  let setup: WebTestSetup;
  /** The demo index, and downloads without asking (the consent notification is the same code as on Node). */
  const online = (): Parameters<typeof withSettings>[0] => ({
    'packages.indexUrl': setup.packageIndexes.demo.indexUrl,
    'packages.install': 'auto',
  });

  before(async () => {
    setup = await webTestSetup();
    await extension().activate();
  });
  afterEach(closeAllEditors);

  it('loads what the code imports, with its dependency, into the user runtime', async () => {
    await withSettings(online(), async () => {
      assert.equal(await runThenPeek('import sandbox_demo_b', 'sandbox_demo_b.A_NAME'), "'sandbox-demo-a'");
    });
  });

  it('a wheel with a WebAssembly shared library loads', async () => {
    await withSettings(online(), async () => {
      assert.equal(await runThenPeek('import sandbox_demo_so', 'sandbox_demo_so.LIBRARY'), 'True');
    });
  });

  it("with packages loaded, a new worker's lock-down report holds and Python reaches no network", async () => {
    const url = setup.loopbackUrl;
    const before = await requestsHeard(url);
    await withSettings(online(), async () => {
      await command(CommandIds.restart);
      // The new worker loads the packages the runtime had before this run: import_module is not
      // seen by the import scan, so only that reload makes it importable.
      assert.equal(await peek('__import__("importlib").import_module("sandbox_demo_b").A_NAME'), "'sandbox-demo-a'");
      const info = (await runtimeInfo()) as BrowserInfo;
      assert.equal(info.isolation, 'browser-worker');
      assert.equal(info.restrictions?.codeGenerationBlocked, true);
      assert.equal(info.restrictions?.browser?.networkRemoved, true);
      assert.equal(info.restrictions?.browser?.storageRemoved, true);
      await everyRouteFails(url);
    });
    assert.equal(await requestsHeard(url), before, 'the worker reached the loopback listener');
  });

  it('Install Packages loads named packages; after a restart they load again from the cache, with the index stopped; Clear Package Cache empties it', async () => {
    const { indexUrl, stopUrl } = setup.packageIndexes.stoppable;
    const sandbox = await api();
    await withSettings({ 'packages.indexUrl': indexUrl, 'packages.install': 'ask' }, async () => {
      const outcome = await command<InstallOutcome>(CommandIds.installPackages, ['sandbox-demo-w']);
      assert.deepEqual(outcome, { loaded: ['sandbox-demo-w'] }, 'naming the package is consent enough');
      assert.equal((await fetch(stopUrl, { method: 'POST' })).status, 200, 'the index stopped');
      await command(CommandIds.restart);
      assert.equal(
        await peek(
          '__import__("sys").modules.get("sandbox_demo_w") is None and __import__("importlib").import_module("sandbox_demo_w").VERSION',
        ),
        "'1.0.0'",
      );
      // The API's runtime has never loaded it: only the cache can serve it now.
      assert.deepEqual(await sandbox.exec('import sandbox_demo_w\nprint(sandbox_demo_w.VERSION)'), { ok: '1.0.0\n' });
      await command(CommandIds.clearPackageCache);
      const result = await sandbox.exec('import sandbox_demo_w');
      assert.ok('err' in result && /^PackageError: the package index: cannot download/.test(result.err), JSON.stringify(result));
    });
  });

  it('"never": a package that is not cached is not downloaded, and the run does not start', async () => {
    const sandbox = await api();
    await withSettings({ 'packages.indexUrl': setup.packageIndexes.demo.indexUrl, 'packages.install': 'never' }, async () => {
      const result = await sandbox.exec('print("ran")\nimport sandbox_demo_d');
      assert.ok('err' in result);
      assert.match(
        result.err,
        /^PackageError: sandbox-demo-d 4\.0\.0: not in the package cache, and pythonSandbox\.packages\.install is "never"/,
      );
    });
  });

  it('a tampered wheel is refused, and nothing of it is cached', async () => {
    const sandbox = await api();
    const indexUrl = setup.packageIndexes.tampered.indexUrl;
    await withSettings({ 'packages.indexUrl': indexUrl, 'packages.install': 'auto' }, async () => {
      const result = await sandbox.exec('print("ran")\nimport sandbox_demo_t');
      assert.ok('err' in result);
      assert.match(
        result.err,
        /^PackageError: sandbox-demo-t: .*has sha256 .* but the lock says [0-9a-f]{64}; it was refused and not cached/,
      );
    });
    // Had the refused file been cached, it would load now without a download.
    await withSettings({ 'packages.indexUrl': indexUrl, 'packages.install': 'never' }, async () => {
      const result = await sandbox.exec('import sandbox_demo_t');
      assert.ok('err' in result);
      assert.match(result.err, /^PackageError: sandbox-demo-t 1\.0\.0: not in the package cache/);
    });
  });

  it('a requirement for the PyPI index is refused: the browser build has no installer process', async () => {
    await withSettings(online(), async () => {
      const outcome = await command<InstallOutcome>(CommandIds.installPackages, ['attrs>=23']);
      assert.equal(outcome.loaded.length, 0);
      assert.match(
        outcome.error ?? '',
        /^PackageError: attrs>=23: not in the lock of .*; the browser build loads packages of Pyodide's distribution only/,
      );
    });
  });
});
