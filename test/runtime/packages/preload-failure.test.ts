/**
 * A package a client remembers is loaded again by every new sandbox before its first run. When
 * that load never answers (a hostile index's library that loops or eats memory as it loads), the
 * sandbox is stopped: the client must then forget what it remembered, or every later sandbox
 * makes the same load, and no run works again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot } from '../../../src/packages/node';
import type { SandboxClient } from '../../../src/sandbox/client';
import { createNodeClient } from '../../../src/sandbox/node-client';
import type { PreparedPackage } from '../../../src/sandbox/package-memory';
import { cacheDirsFor } from '../../fixtures/package-tests';
import { buildWheel, DIST_DIR, moduleName, sha256, sideModule } from '../../fixtures/package-index';

const NAME = 'sandbox-demo-hang';

/** A WebAssembly side module whose start function never returns: it hangs whoever loads it. */
const LOOPING_SIDE_MODULE = sideModule(0, [
  [1, [1, 0x60, 0, 0]], // () -> ()
  [3, [1, 0]],
  [8, [0]], // start: function 0
  [10, [1, 7, 0, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b]], // loop br 0 end
]);

/** Puts `bytes` where the cache keeps a verified file, and describes it as the manager would. */
function cached(cacheDir: string, version: string, fileName: string, bytes: Uint8Array): PreparedPackage {
  const hash = sha256(bytes);
  const file = path.join(cacheRoot(cacheDir), 'files', hash, fileName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return {
    name: NAME,
    version,
    fileName,
    path: file,
    sha256: hash,
    depends: [],
    imports: [moduleName(NAME)],
    packageType: 'package',
    installDir: 'site',
    fromCache: true,
  };
}

describe('packages: a remembered package whose load never ends', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  let client: SandboxClient | undefined;
  afterEach(() => client?.dispose());

  it('a sandbox stopped while it loads the packages it was sent does not leave every later run failing', async () => {
    const cacheDir = newCacheDir();
    client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
    const good = buildWheel({ name: NAME, version: '1.0.0' });
    const first = cached(cacheDir, '1.0.0', good.fileName, good.bytes);
    const loaded = await client.run('exec', 'import sandbox_demo_hang', { packages: () => Promise.resolve([first]) }).result;
    assert.equal(loaded.error, undefined);

    // The index now offers another file of it: refused until a restart, which loads it.
    // A wheel for the bundled Pyodide's ABI whose library hangs as Pyodide loads it.
    const hanging = buildWheel({ name: NAME, version: '1.1.0', sharedLibrary: true, library: LOOPING_SIDE_MODULE, init: '' });
    const second = cached(cacheDir, '1.1.0', hanging.fileName, hanging.bytes);
    const refused = await client.run('exec', '', { packages: () => Promise.resolve([second]) }).result;
    assert.match(refused.error?.message ?? '', /restart the runtime to load 1\.1\.0/);
    await client.restart();

    // The new sandbox loads it before its first run, and hangs: that run ends, as it must.
    const stuck = await client.run('exec', 'print("one")', { timeoutMs: 3000 }).result;
    assert.notEqual(stuck.output, 'one\n');
    assert.equal(stuck.restarted, true);

    // The next run, which asks for no package, works.
    const next = await client.run('exec', 'print("two")', { timeoutMs: 3000 }).result;
    assert.equal(next.error?.message, undefined);
    assert.equal(next.output, 'two\n');
  });
});
