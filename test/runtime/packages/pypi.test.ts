import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { PackageError } from '../../../src/packages/errors';
import type { PackageManager, PackagePlan } from '../../../src/packages/manager';
import { checkResolvedWheels } from '../../../src/packages/pypi';
import { cachedFiles, cacheDirsFor, managerOn, rejectsWith } from '../../fixtures/package-tests';
import {
  bundledLockInfo,
  generatePackageIndex,
  servePackageIndex,
  sha256,
  type GeneratedIndex,
  type PackageIndexServer,
} from '../../fixtures/package-index';

const A = 'sandbox-demo-a';
const D = 'sandbox-pypi-d';
const E = 'sandbox-pypi-e';

function summary(plan: PackagePlan): string[] {
  return plan.packages.map((entry) => `${entry.name} ${entry.version} ${entry.source}${entry.cached ? ' cached' : ''}`);
}

describe('packages: PyPI wheels resolved by micropip in the installer process', function () {
  // Each resolution boots Pyodide in a child process (a few seconds on a slow machine).
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  let index: GeneratedIndex;
  let server: PackageIndexServer;
  const manager = (cacheDir: string, options?: Parameters<typeof managerOn>[2]): PackageManager => managerOn(server, cacheDir, options);

  before(async () => {
    index = generatePackageIndex({
      info: bundledLockInfo(),
      lock: [{ name: A, version: '1.0.0' }],
      pypi: [
        { name: D, version: '1.0.0' },
        { name: D, version: '1.2.0', requires: [`${A}>=1`, E, 'sandbox-never; sys_platform == "win32"'] },
        { name: E, version: '0.5.0' },
        { name: 'sandbox-unhashed', version: '1.0.0', indexHash: false },
      ],
    });
    server = await servePackageIndex(index);
  });
  after(() => server.close());

  it('resolves with micropip, verifies and caches the wheels and the answer, and the next plan is offline', async () => {
    const cacheDir = newCacheDir();
    const code = `# /// script\n# dependencies = ["${D}>=1.1"]\n# ///\nimport sandbox_pypi_d\n`;
    const plan = await manager(cacheDir).plan({ code });
    assert.deepEqual(summary(plan), [`${A} 1.0.0 lock`, `${E} 0.5.0 pypi`, `${D} 1.2.0 pypi`]);
    assert.equal(plan.packages[2].url, `${server.url}files/${index.pypi.get(D)![1].fileName}`);
    assert.equal(plan.packages[2].sha256, index.pypi.get(D)![1].sha256);
    assert.deepEqual(plan.packages[2].depends, [A, E]);
    assert.deepEqual(plan.packages[2].imports, ['sandbox_pypi_d'], 'its top_level.txt');
    // micropip looked in the lock first for sandbox-demo-a, as it does for PyPI.
    assert.ok(server.requests.includes(`GET /simple/${D}/`) && server.requests.includes(`GET /simple/${E}/`));
    assert.ok(!server.requests.some((request) => request.startsWith(`GET /simple/${A}`)));

    const local = await manager(cacheDir).fetch(plan);
    for (const entry of local) assert.equal(sha256(fs.readFileSync(entry.path)), entry.sha256);
    assert.equal(cachedFiles(cacheDir).filter((file) => file.startsWith('resolved/')).length, 1);

    const mark = server.requests.length;
    const offline = manager(cacheDir, { offline: true });
    const again = await offline.plan({ code });
    assert.deepEqual(summary(again), [`${A} 1.0.0 lock cached`, `${E} 0.5.0 pypi cached`, `${D} 1.2.0 pypi cached`]);
    assert.deepEqual(
      (await offline.fetch(again)).map((entry) => [entry.path, entry.fromCache]),
      local.map((entry) => [entry.path, true]),
    );
    assert.deepEqual(server.requests.slice(mark), [], 'no request at all');
  });

  it('a preview names PyPI requirements not resolved yet, and counts those resolved before, asking no server', async () => {
    const cacheDir = newCacheDir();
    await manager(cacheDir).plan({ names: [A] });
    const code = `# /// script\n# dependencies = ["${D}>=1.1"]\n# ///\n`;
    const mark = server.requests.length;
    assert.deepEqual(await manager(cacheDir).preview({ code }), {
      kind: 'known',
      packages: [],
      fromPyPI: [`${D}>=1.1`],
      pypiIndexUrl: server.pypiIndexUrl,
    });
    assert.deepEqual(server.requests.slice(mark), [], 'nothing was resolved for the preview');
    await manager(cacheDir).plan({ code });
    const resolved = server.requests.length;
    const preview = await manager(cacheDir).preview({ code });
    assert.deepEqual(preview.kind === 'known' && preview.packages.map((entry) => `${entry.name} ${entry.version} ${entry.source}`), [
      `${A} 1.0.0 lock`,
      `${E} 0.5.0 pypi`,
      `${D} 1.2.0 pypi`,
    ]);
    assert.deepEqual(preview.kind === 'known' && preview.fromPyPI, []);
    assert.deepEqual(server.requests.slice(resolved), [], 'a recorded resolution is read from the cache');
  });

  it('refuses a wheel that changed on the index after it was resolved', async () => {
    const cacheDir = newCacheDir();
    const plan = await manager(cacheDir).plan({ names: [E] });
    const [original] = index.pypi.get(E)!;
    const bytes = new Uint8Array(original.bytes);
    bytes[100] ^= 1;
    index.pypi.set(E, [{ ...original, bytes }]);
    try {
      const refused = new RegExp(
        `^${E}: .* has sha256 ${sha256(bytes)}, but the index says ${original.sha256}; it was refused and not cached$`,
      );
      await rejectsWith(manager(cacheDir).fetch(plan), 'hash-mismatch', refused);
      assert.ok(!cachedFiles(cacheDir).some((file) => file.includes(original.fileName)));
    } finally {
      index.pypi.set(E, [original]);
    }
  });

  it('a name neither the lock nor the index has fails, naming it and the index', async () => {
    const why = `^sandbox-nowhere: micropip could not resolve them from ${server.pypiIndexUrl}: ValueError: Can't fetch metadata for 'sandbox-nowhere'`;
    await rejectsWith(manager(newCacheDir()).plan({ names: ['sandbox-nowhere'] }), 'resolution', new RegExp(why));
  });

  it('refuses a wheel the index lists without a sha256', async () => {
    const why = /sandbox-unhashed: the index gave no sha256 for .*, so the wheel cannot be verified/;
    await rejectsWith(manager(newCacheDir()).plan({ names: ['sandbox-unhashed'] }), 'resolution', why);
  });

  it('offline, a PyPI requirement never resolved before fails, naming it and the index', async () => {
    const cacheDir = newCacheDir();
    await manager(cacheDir).plan({ names: [A] }); // caches the lock
    const why = `^${E}>=0\\.1: not in the lock and not resolved before; downloads are off \\(offline\\), so ${server.pypiIndexUrl} cannot be asked$`;
    await rejectsWith(manager(cacheDir, { offline: true }).plan({ names: [`${E}>=0.1`] }), 'unreachable', new RegExp(why));
  });

  it('cancelling stops the resolution', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await rejectsWith(manager(newCacheDir()).plan({ names: [E] }, controller.signal), 'cancelled', /cancelled/);
  });
});

describe('packages: checking what the installer reports', () => {
  const PYPI = 'https://pypi.example/simple';
  const good = {
    name: 'Demo_Pkg',
    version: '1.0',
    file_name: 'https://files.example/demo_pkg-1.0-py3-none-any.whl',
    sha256: 'A'.repeat(64),
    depends: ['Other.Pkg'],
    imports: ['demo_pkg'],
  };

  it('takes freeze() entries, canonical names, the file name from the URL', () => {
    assert.deepEqual(checkResolvedWheels([good], 'test', PYPI), [
      { name: 'demo-pkg', version: '1.0', url: good.file_name, fileName: 'demo_pkg-1.0-py3-none-any.whl', sha256: 'a'.repeat(64), depends: ['other-pkg'], imports: ['demo_pkg'] },
    ]);
  }); // prettier-ignore

  it('unescapes the file name, as indexes escape the + of local versions', () => {
    const [wheel] = checkResolvedWheels(
      [{ ...good, file_name: 'https://files.example/demo_pkg-1.0%2Blocal-py3-none-any.whl' }],
      'test',
      PYPI,
    );
    assert.equal(wheel.fileName, 'demo_pkg-1.0+local-py3-none-any.whl');
  });

  it('refuses URLs that are not http(s), names that are not plain wheel names, and malformed entries', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ file_name: 'javascript:alert(1)' }, /javascript: URLs are not downloaded, only http\(s\)/],
      [{ file_name: 'demo_pkg-1.0-py3-none-any.whl' }, /is not a URL/],
      [{ file_name: 'https://files.example/%2e%2e%2Fdemo.whl' }, /not a plain wheel file name \(it contains a path separator\)/],
      [{ file_name: 'https://files.example/demo.tar.gz' }, /not a plain wheel file name \(it is not a wheel\)/],
      [{ file_name: 'https://files.example/demo%E0%A4%A.whl' }, /not a plain wheel file name \(it has a malformed escape\)/],
      [{ sha256: 'abc' }, /sha256/],
      [{ name: '../x' }, /not a package name/],
      [{ depends: 'x' }, /lists of names/],
    ];
    for (const [change, pattern] of cases) {
      assert.throws(
        () => checkResolvedWheels([{ ...good, ...change }], 'the answer', PYPI),
        (error: unknown) =>
          error instanceof PackageError && /^the answer is not usable: /.test(error.message) && pattern.test(error.message),
        JSON.stringify(change),
      );
    }
    assert.throws(() => checkResolvedWheels({ wheels: [] }, 'x', PYPI), /not a list/);
  });
});
