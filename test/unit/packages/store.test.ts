import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir, NodeFileStore } from '../../../src/packages/node-store';
import { sha256Hex } from '../../../src/packages/sha256';
import { cacheDirsFor } from '../../fixtures/package-tests';
import { sha256 } from '../../fixtures/package-index';

describe('packages: the cache folder', function () {
  const newCacheDir = cacheDirsFor(this);

  it('defaults to $XDG_CACHE_HOME/python-sandbox, else ~/.cache/python-sandbox (a relative XDG value is ignored, as the spec says)', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }, '/home/me'), path.join('/var/cache/me', 'python-sandbox'));
    assert.equal(defaultCacheDir({}, '/home/me'), path.join('/home/me', '.cache', 'python-sandbox'));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/me'), path.join('/home/me', '.cache', 'python-sandbox'));
  });

  it('writes through a temporary file and a rename, leaving only the file', async () => {
    const root = path.join(newCacheDir(), 'v');
    const store = new NodeFileStore(root);
    assert.equal(await store.has('files/x/a.whl'), false);
    assert.equal(await store.read('files/x/a.whl'), undefined);
    await store.write('files/x/a.whl', new Uint8Array([1, 2, 3]));
    await store.write('files/x/a.whl', new Uint8Array([4, 5]));
    assert.deepEqual([...(await store.read('files/x/a.whl'))!], [4, 5]);
    assert.deepEqual(fs.readdirSync(path.join(root, 'files', 'x')), ['a.whl']);
    assert.equal(store.location('files/x/a.whl'), path.join(root, 'files', 'x', 'a.whl'));
    const folder = fs.statSync(root).ino;
    await store.clear();
    assert.deepEqual(fs.readdirSync(root), []);
    // A running sandbox process sees the folder through a bind mount made when it started.
    assert.equal(fs.statSync(root).ino, folder, 'the folder itself stays: only what it holds goes');
    await new NodeFileStore(path.join(root, 'never-made')).clear();
  });

  it('keys cannot leave the folder', () => {
    const store = new NodeFileStore(newCacheDir());
    for (const key of ['../x', 'files/../../x', '/etc/passwd', 'files//x', 'files/./x'])
      assert.throws(() => store.location(key), /not a store key/, key);
  });

  it('hashes with WebCrypto as node:crypto does', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i * 7);
    assert.equal(await sha256Hex(bytes), sha256(bytes));
    assert.equal(await sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
