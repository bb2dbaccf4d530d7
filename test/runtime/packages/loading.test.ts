/** The files `fetch` leaves in the cache are what Pyodide needs: they load and import, offline. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadPyodide } from 'pyodide';
import { cacheRoot } from '../../../src/packages/node';
import { cachedFiles, cacheDirsFor, managerOn } from '../../fixtures/package-tests';
import { bundledLockInfo, DEMO_PACKAGES, DIST_DIR, generatePackageIndex, servePackageIndex } from '../../fixtures/package-index';

describe('packages: the verified files load in Pyodide', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);

  it('through lockForLoading and loadPackage(names), with nothing downloaded by Pyodide', async () => {
    const index = generatePackageIndex({
      info: bundledLockInfo(),
      lock: [...DEMO_PACKAGES],
      pypi: [{ name: 'sandbox-pypi-d', version: '1.0.0', requires: ['sandbox-demo-a'] }],
    });
    const server = await servePackageIndex(index);
    const cacheDir = newCacheDir();
    try {
      const manager = managerOn(server, cacheDir);
      const local = await manager.fetch(await manager.plan({ names: ['sandbox-demo-b', 'sandbox-pypi-d'] }));
      const requests = server.requests.length;
      const files = cachedFiles(cacheDir);

      const messages: string[] = [];
      const pyodide = await loadPyodide({
        indexURL: path.join(DIST_DIR, 'pyodide') + path.sep,
        lockFileContents: manager.lockForLoading(local),
        // Pyodide in Node makes this folder if it is missing and would write downloads there.
        packageCacheDir: cacheRoot(cacheDir),
        stdout: (text) => messages.push(text),
        stderr: (text) => messages.push(text),
      });
      const loaded = await pyodide.loadPackage(['sandbox-demo-b', 'sandbox-pypi-d'], { messageCallback: (text) => messages.push(text) });
      assert.deepEqual(
        loaded.map((entry) => entry.name).sort(),
        ['sandbox-demo-a', 'sandbox-demo-b', 'sandbox-pypi-d'],
        messages.join('\n'),
      );
      assert.equal(
        pyodide.runPython('import sandbox_demo_b, sandbox_pypi_d\nsandbox_demo_b.A_NAME + " " + sandbox_pypi_d.NAME'),
        'sandbox-demo-a sandbox-pypi-d',
      );
      assert.equal(server.requests.length, requests, 'Pyodide fetched nothing');
      assert.deepEqual(cachedFiles(cacheDir), files, 'and wrote nothing');
    } finally {
      await server.close();
    }
  });
});
