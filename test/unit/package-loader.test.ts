/** The package loader the relay (Node) and the browser transport share, over an in-memory cache and a recording worker. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { LoadPackagesMessage, PackageFile } from '../../src/sandbox/protocol';
import type { PackageCache } from '../../src/sandbox/shared/package-files';
import { PackageLoader } from '../../src/sandbox/shared/package-loader';
import { MESSAGE_LIMITS } from '../../src/sandbox/protocol';

const BYTES = new TextEncoder().encode('a wheel');

function file(path: string, bytes: Uint8Array = BYTES): PackageFile {
  return {
    name: 'demo',
    version: '1.0',
    fileName: 'demo-1.0-py3-none-any.whl',
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    depends: [],
    imports: ['demo'],
    packageType: 'package',
    installDir: 'site',
  };
}

/** A cache that holds `cache/...` locations, with `files` in it. */
function cacheOf(files: Record<string, Uint8Array>): PackageCache {
  return { holds: (location) => location.startsWith('cache/'), read: async (location) => files[location] };
}

/** A loader whose posts to the worker are recorded; `posting()` waits for the first (the files are hashed first). */
function loaderOn(cache: PackageCache): { loader: PackageLoader; posted: LoadPackagesMessage[]; posting(): Promise<void> } {
  const posted: LoadPackagesMessage[] = [];
  const posting = async (): Promise<void> => {
    while (posted.length === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return { loader: new PackageLoader(cache, (message) => posted.push(message)), posted, posting };
}

describe('package loader', () => {
  it("posts the checked files' bytes to the worker and resolves on its answer", async () => {
    const { loader, posted, posting } = loaderOn(cacheOf({ 'cache/demo.whl': BYTES }));
    const loading = loader.load(7, [file('cache/demo.whl')]);
    await posting();
    assert.equal(posted.length, 1);
    assert.deepEqual([...posted[0].files[0]], [...BYTES]);
    assert.equal(loader.answer({ type: 'packages-loaded', id: 7 }), true);
    assert.equal(await loading, undefined);
  });

  it('refuses, without asking the worker, a file outside the cache, gone from it, or changed since it was verified', async () => {
    const { loader, posted } = loaderOn(cacheOf({ 'cache/changed.whl': new TextEncoder().encode('another wheel') }));
    assert.match((await loader.load(1, [file('/etc/passwd')])) ?? '', /^demo: its file is not in the package cache$/);
    assert.match((await loader.load(2, [file('cache/gone.whl')])) ?? '', /is no longer in the package cache$/);
    assert.match((await loader.load(3, [file('cache/changed.whl')])) ?? '', /changed after it was verified/);
    assert.equal(posted.length, 0);
  });

  it("takes only the answer to the load under way, of the right shape, and cuts the worker's words to what a result holds", async () => {
    const { loader, posting } = loaderOn(cacheOf({ 'cache/demo.whl': BYTES }));
    const loading = loader.load(4, [file('cache/demo.whl')]);
    await posting();
    assert.equal(loader.answer({ type: 'packages-loaded', id: 5 }), false);
    assert.equal(loader.answer({ type: 'packages-loaded', id: 4, error: 7 }), false);
    assert.equal(loader.answer({ type: 'result', id: 4 }), false);
    assert.equal(loader.answer({ type: 'packages-loaded', id: 4, error: 'x'.repeat(MESSAGE_LIMITS.errorMessageChars + 10) }), true);
    assert.equal((await loading)?.length, MESSAGE_LIMITS.errorMessageChars);
    assert.equal(loader.answer({ type: 'packages-loaded', id: 4 }), false, 'a second answer');
  });

  it('ends the load under way when the worker is gone', async () => {
    const { loader, posting } = loaderOn(cacheOf({ 'cache/demo.whl': BYTES }));
    const loading = loader.load(6, [file('cache/demo.whl')]);
    await posting();
    loader.stop('the Python worker exited with code 1');
    assert.equal(await loading, 'the Python worker exited with code 1');
  });
});
