import * as assert from 'node:assert/strict';
import { loadOrder } from '../../../src/packages/closure';
import { PackageError, type PackageErrorCode } from '../../../src/packages/errors';
import { checkLockMatches, formatLock, importsToPackages, parseLock } from '../../../src/packages/lock';
import { readBundledLock } from '../../../src/packages/node';
import { DEMO_ENTRY, LOCK_INFO } from '../../fixtures/lock-entry';
import { DIST_DIR } from '../../fixtures/package-index';

function rejects(code: PackageErrorCode, pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof PackageError && error.code === code && pattern.test(error.message);
}

function lockWith(entry: Record<string, unknown>): string {
  return JSON.stringify({ info: LOCK_INFO, packages: { demo: { ...DEMO_ENTRY, ...entry } } });
}

describe('packages: pyodide-lock.json', () => {
  const bundled = readBundledLock(DIST_DIR);

  it('reads the bundled lock: every entry, by canonical name, dependencies canonical too', () => {
    assert.ok(bundled.packages.size > 300, `${bundled.packages.size} packages`);
    assert.equal(bundled.info.python, '3.14.2');
    const micropip = bundled.packages.get('micropip');
    assert.equal(micropip?.fileName, 'micropip-0.11.1-py3-none-any.whl');
    // The lock spells some dependencies unlike their keys (`Cartopy`, `astropy_iers_data`).
    for (const [name, entry] of bundled.packages) {
      for (const dependency of entry.depends) assert.ok(bundled.packages.has(dependency), `${name} -> ${dependency}`);
    }
  });

  it('maps import names to packages', () => {
    const packages = importsToPackages(bundled);
    assert.equal(packages.get('yaml'), 'pyyaml');
    assert.equal(packages.get('numpy'), 'numpy');
    assert.equal(packages.get('os'), undefined);
    assert.ok(bundled.packages.has('ipython'), "the lock has Pyodide's ipython package");
    assert.equal(packages.get('IPython'), undefined, "import IPython is the sandbox's own: nothing to download");
  });

  it('a dependency closure puts dependencies first, each once', () => {
    const order = loadOrder(['matplotlib', 'numpy'], (name) => bundled.packages.get(name));
    const position = new Map(order.map((entry, i) => [entry, i]));
    assert.equal(position.size, order.length, 'each once');
    assert.equal(order.at(-1), bundled.packages.get('matplotlib'));
    assert.ok(order.length > 10, 'matplotlib needs numpy, pillow, contourpy and more');
    for (const [i, entry] of order.entries()) {
      for (const dependency of entry.depends)
        assert.ok(position.get(bundled.packages.get(dependency)!)! < i, `${dependency} before ${entry.name}`);
    }
  });

  it('a dependency nothing provides is an unknown-package error naming both', () => {
    const packages = new Map([['b', { depends: ['a'] }]]);
    assert.throws(() => loadOrder(['b'], (name) => packages.get(name)), rejects('unknown', /^a: needed by b/));
    assert.throws(() => loadOrder(['zzz'], (name) => packages.get(name)), rejects('unknown', /^zzz: no such package/));
  });

  it('refuses entries whose file_name is not a plain file name', () => {
    const cases: [unknown, RegExp][] = [
      ['../x.whl', /path separator/],
      ['/etc/passwd', /path separator/],
      ['https://evil.example/x.whl', /path separator|URL/],
      ['C:x.whl', /URL or a drive/],
      ['sub\\x.whl', /path separator/],
      ['', /empty/],
      ['..', /directory/],
      ['x%2F..%2Fy.whl', /URL escape/],
      ['x.whl?y', /URL escape/],
      ['x\u0000.whl', /control/],
      [42, /empty/],
    ];
    for (const [fileName, why] of cases) {
      assert.throws(
        () => parseLock(lockWith({ file_name: fileName }), 'the test lock'),
        (error: unknown) =>
          rejects('bad-file-name', /^the lock the test lock is not usable: package 'demo': file_name .* is not a plain file name/)(error) &&
          why.test((error as Error).message),
        JSON.stringify(fileName),
      );
    }
  });

  it('refuses malformed locks and entries, naming the problem', () => {
    assert.throws(() => parseLock('{', 'x'), rejects('invalid', /not JSON/));
    assert.throws(() => parseLock('{"packages": {}}', 'x'), rejects('invalid', /no "info"/));
    assert.throws(() => parseLock(lockWith({ sha256: 'abc' }), 'x'), rejects('invalid', /'demo': sha256/));
    assert.throws(() => parseLock(lockWith({ depends: 'numpy' }), 'x'), rejects('invalid', /depends/));
    assert.throws(() => parseLock(lockWith({ install_dir: undefined }), 'x'), rejects('invalid', /install_dir/));
  });

  it('refuses a lock from an index that is for another Pyodide, saying what differs', () => {
    const other = parseLock(lockWith({}).replace('3.14.2', '3.13.1').replace('2026_0', '2025_0'), 'http://index/pyodide-lock.json');
    assert.doesNotThrow(() => checkLockMatches(parseLock(lockWith({}), 'same'), bundled, 'same'));
    assert.throws(
      () => checkLockMatches(other, bundled, 'http://index/pyodide-lock.json'),
      rejects(
        'lock-mismatch',
        /for another Pyodide \(abi_version 2025_0, python 3\.13\.1\); this one needs abi_version 2026_0, python 3\.14\.2/,
      ),
    );
  });

  it('writes a lock back that reads the same', () => {
    const again = parseLock(formatLock(bundled.info, bundled.packages), 'again');
    assert.deepEqual(again, bundled);
  });
});
