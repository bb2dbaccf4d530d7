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
import { bundledLockInfo, buildWheel, DIST_DIR, moduleName, sha256 } from '../../fixtures/package-index';
import { storedZip } from '../../fixtures/zip';

const NAME = 'sandbox-demo-hang';

/** A WebAssembly side module whose start function never returns: it hangs whoever loads it. */
const LOOPING_SIDE_MODULE = (() => {
  const section = (id: number, bytes: number[]): number[] => [id, bytes.length, ...bytes];
  const name = (text: string): number[] => [text.length, ...Buffer.from(text)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(0, [...name('dylink.0'), 1, 4, 0, 0, 0, 0]),
    ...section(1, [1, 0x60, 0, 0]), // () -> ()
    ...section(3, [1, 0]),
    ...section(8, [0]), // start: function 0
    ...section(10, [1, 7, 0, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b]), // loop br 0 end
  ]);
})();

/** A wheel for the bundled Pyodide's ABI whose library hangs as Pyodide loads it. */
function hangingWheel(version: string): { fileName: string; bytes: Uint8Array } {
  const module = moduleName(NAME);
  const info = `${module}-${version}.dist-info`;
  const lockInfo = bundledLockInfo();
  const python = `cp${lockInfo.python.split('.').slice(0, 2).join('')}`;
  const tag = `${python}-${python}-pyemscripten_${lockInfo.abi_version}_${lockInfo.arch}`;
  const files = new Map<string, Uint8Array>([
    [`${module}/__init__.py`, Buffer.from('')],
    [`${module}/libhang.so`, LOOPING_SIDE_MODULE],
    [`${info}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${NAME}\nVersion: ${version}\n`)],
    [`${info}/WHEEL`, Buffer.from(`Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: false\nTag: ${tag}\n`)],
    [`${info}/top_level.txt`, Buffer.from(`${module}\n`)],
    [`${info}/RECORD`, Buffer.from('')],
  ]);
  return { fileName: `${module}-${version}-${tag}.whl`, bytes: storedZip(files) };
}

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
    const hanging = hangingWheel('1.1.0');
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
