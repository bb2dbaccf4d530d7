/** The sandbox promise holds after packages load: the isolation corpus again, with a pure wheel and a shared library loaded. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheRoot } from '../../../src/packages/node';
import { packagePreparer } from '../../../src/packages/prepare';
import { bundledLockInfo, generatePackageIndex, servePackageIndex } from '../../fixtures/package-index';
import { managerOn } from '../../fixtures/package-tests';
import { describeIsolationCorpus } from '../isolation-corpus';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-packages-'));

describeIsolationCorpus('isolation: the same attacks with packages loaded (a pure wheel, a shared library)', {
  options: { packageCacheDir: cacheRoot(cacheDir) },
  async prepare(client) {
    const index = generatePackageIndex({
      info: bundledLockInfo(),
      lock: [
        { name: 'sandbox-demo-a', version: '1.0.0' },
        { name: 'sandbox-demo-so', version: '1.0.0', sharedLibrary: true, init: 'LOADED = True\n' },
      ],
      micropip: false,
    });
    const server = await servePackageIndex(index);
    try {
      const code = 'import sandbox_demo_a, sandbox_demo_so\nprint(sandbox_demo_so.LOADED)';
      const run = client.run('exec', code, { packages: packagePreparer(managerOn(server, cacheDir), { code }) });
      const result = await run.result;
      assert.equal(result.output, 'True\n', result.error?.message);
      assert.deepEqual(
        run.packages.map((entry) => entry.name),
        ['sandbox-demo-a', 'sandbox-demo-so'],
      );
    } finally {
      await server.close();
    }
  },
});

after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
