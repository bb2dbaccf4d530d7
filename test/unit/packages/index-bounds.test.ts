/** What an index controls in the dependency walk and the lock: bounded, and names only. */
import * as assert from 'node:assert/strict';
import { loadOrder } from '../../../src/packages/closure';
import { PackageError } from '../../../src/packages/errors';
import { parseLock } from '../../../src/packages/lock';
import { DEMO_ENTRY, LOCK_INFO } from '../../fixtures/lock-entry';

/** `p0` depends on `p1`, … up to `p<length-1>`. */
function chain(length: number): Map<string, { name: string; depends: string[] }> {
  return new Map(Array.from({ length }, (_, i) => [`p${i}`, { name: `p${i}`, depends: i + 1 < length ? [`p${i + 1}`] : [] }]));
}

describe('packages: the dependency walk is bounded', () => {
  it('walks a chain far deeper than the call stack, dependencies first', () => {
    const packages = chain(200_000);
    const order = loadOrder(['p0'], (name) => packages.get(name), Infinity);
    assert.equal(order.length, 200_000);
    assert.equal(order[0].name, 'p199999');
    assert.equal(order[199_999].name, 'p0');
  });

  it('keeps the order of the recursive walk, cycles broken where they close', () => {
    const packages = new Map([
      ['a', { name: 'a', depends: ['b', 'c'] }],
      ['b', { name: 'b', depends: ['c', 'a'] }],
      ['c', { name: 'c', depends: [] }],
      ['d', { name: 'd', depends: ['c'] }],
    ]);
    assert.deepEqual(
      loadOrder(['a', 'd'], (name) => packages.get(name)).map((entry) => entry.name),
      ['c', 'b', 'a', 'd'],
    );
  });

  it('refuses a plan of more than 500 packages', () => {
    const packages = chain(501);
    assert.equal(loadOrder(['p1'], (name) => packages.get(name)).length, 500);
    assert.throws(
      () => loadOrder(['p0'], (name) => packages.get(name)),
      (error: unknown) =>
        error instanceof PackageError && error.code === 'too-large' && /^p0: the load needs more than 500 packages/.test(error.message),
    );
  });
});

describe('packages: a lock names packages by package names only', () => {
  const info = LOCK_INFO;
  const entry = DEMO_ENTRY;

  it('refuses a lock of too many values before parsing it', () => {
    const bomb = JSON.stringify({ info, packages: {} }).replace('{}', `{"x":[${'[],'.repeat(300_000)}[]]}`);
    assert.throws(
      () => parseLock(bomb, 'x'),
      (error: unknown) =>
        error instanceof PackageError && /^the lock x is not usable: it holds more than 200000 values$/.test(error.message),
    );
  });

  it('takes real names', () => {
    const lock = parseLock({ info, packages: { 'demo-pkg': { ...entry, name: 'Demo_Pkg', depends: ['zope.interface'] } } }, 'x');
    assert.deepEqual(lock.packages.get('demo-pkg')?.depends, ['zope-interface']);
  });

  it('refuses a key, a name or a dependency that is not a package name', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ '../demo': entry }, /the key "\.\.\/demo" is not a package name/],
      [{ 'demo\u202e': entry }, /the key .* is not a package name/],
      [{ '': entry }, /the key "" is not a package name/],
      [{ demo: { ...entry, name: 'demo\nINFO: loaded' } }, /package 'demo': name .* is not a package name/],
      [{ demo: { ...entry, depends: ['ok', '../../x'] } }, /package 'demo': depends is not a list of package names/],
    ];
    for (const [packages, pattern] of cases) {
      assert.throws(
        () => parseLock({ info, packages }, 'the test lock'),
        (error: unknown) => error instanceof PackageError && error.code === 'invalid' && pattern.test(error.message),
        JSON.stringify(packages),
      );
    }
  });
});
