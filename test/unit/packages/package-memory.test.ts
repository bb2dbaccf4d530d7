import * as assert from 'node:assert/strict';
import { nodeTransports } from '../../../src/sandbox/node-client';
import { PackageMemory, type LoadedPackages, type PreparedPackage } from '../../../src/sandbox/package-memory';

function prepared(name: string, sha: string, fromCache = false, dir = '/cache'): PreparedPackage {
  return {
    name,
    version: '1.0',
    fileName: `${name}-1.0-py3-none-any.whl`,
    path: `${dir}/files/${sha}/${name}-1.0-py3-none-any.whl`,
    sha256: sha.repeat(64),
    depends: [],
    imports: [name],
    packageType: 'package',
    installDir: 'site',
    fromCache,
  };
}

describe('packages: what a client remembers', () => {
  it('sends what the sandbox lacks, and a new sandbox gets every package loaded before', () => {
    const memory = new PackageMemory((file) => file.path.startsWith('/cache/'));
    const first: LoadedPackages = new Map();
    const selection = memory.select(first, [prepared('a', 'a'), prepared('b', 'b')]);
    assert.ok(typeof selection !== 'string');
    assert.deepEqual(
      selection.files.map((file) => file.name),
      ['a', 'b'],
    );
    assert.ok(!('fromCache' in selection.files[0]), 'only what the sandbox needs is sent');
    memory.remember(first, selection.files);
    assert.deepEqual(memory.select(first, [prepared('a', 'a', true)]), { files: [], loads: [] });
    const fresh = memory.select(new Map(), [prepared('c', 'c')]);
    assert.ok(typeof fresh !== 'string');
    assert.deepEqual(
      fresh.loads.map(({ name, fromCache }) => [name, fromCache]),
      [
        ['a', true],
        ['b', true],
        ['c', false],
      ],
    );
    memory.forget();
    const forgotten = memory.select(new Map(), []);
    assert.deepEqual(forgotten, { files: [], loads: [] });
  });

  it('refuses another file of a loaded package, and remembers it for the next sandbox', () => {
    const memory = new PackageMemory((file) => file.path.startsWith('/cache/'));
    const loaded: LoadedPackages = new Map();
    memory.remember(loaded, [prepared('a', 'a')]);
    assert.match(String(memory.select(loaded, [prepared('a', 'f')])), /^a: another file of it .* restart the runtime to load 1.0$/);
    const next = memory.select(new Map(), []);
    assert.ok(typeof next !== 'string');
    assert.equal(next.files[0].sha256, 'f'.repeat(64));
  });

  it('refuses files the sandbox cannot read, as its platform says', () => {
    assert.match(String(new PackageMemory(() => false).select(new Map(), [prepared('a', 'a')])), /not in the package cache folder/);
  });

  it('on Node, a sandbox process reads the package cache folder only; worker isolation reads anywhere', () => {
    const process = nodeTransports({ packageCacheDir: '/cache' });
    assert.equal(process.canRead(prepared('a', 'a')), true);
    assert.equal(process.canRead(prepared('a', 'a', false, '/elsewhere')), false);
    assert.equal(process.canRead(prepared('a', 'a', false, '/cache/../elsewhere')), false);
    assert.equal(nodeTransports({}).canRead(prepared('a', 'a')), false);
    assert.equal(nodeTransports({ isolation: 'worker' }).canRead(prepared('a', 'a', false, '/elsewhere')), true);
  });
});
