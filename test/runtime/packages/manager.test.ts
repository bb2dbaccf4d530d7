import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultIndexUrl, PackageManager, type PackagePlan, type PackagePreview, type PackageRequest } from '../../../src/packages/manager';
import { createNodePackageManager, readBundledLock } from '../../../src/packages/node';
import { NodeFileStore } from '../../../src/packages/node-store';
import { cachedFiles, cacheDirsFor, managerOn, rejectsWith } from '../../fixtures/package-tests';
import {
  bundledLockInfo,
  DIST_DIR,
  generatePackageIndex,
  servePackageIndex,
  sha256,
  writePackageFolder,
  type GeneratedIndex,
  type IndexSpec,
  type PackageIndexServer,
} from '../../fixtures/package-index';

const A = 'sandbox-demo-a';
const B = 'sandbox-demo-b';
const C = 'sandbox-demo-c';

/** Three lock packages: b depends on a; c stands alone and is larger. */
function demoIndex(extra: Partial<IndexSpec> = {}): GeneratedIndex {
  return generatePackageIndex({
    info: bundledLockInfo(),
    lock: [
      { name: A, version: '1.0.0' },
      { name: B, version: '2.1.0', requires: [`${A}>=1`] },
      { name: C, version: '0.3.0', paddingBytes: 300_000 },
    ],
    micropip: false,
    ...extra,
  });
}

function names(plan: PackagePlan): string[] {
  return plan.packages.map((entry) => entry.name);
}

/** Requests for files (not the lock) since `from`. */
function fileRequests(server: PackageIndexServer, from = 0): string[] {
  return server.requests.slice(from).filter((request) => !request.endsWith('pyodide-lock.json'));
}

describe('packages: plan and fetch from a Pyodide-style index', function () {
  const newCacheDir = cacheDirsFor(this);
  let index: GeneratedIndex;
  let server: PackageIndexServer;
  const manager = (cacheDir: string, options?: Parameters<typeof managerOn>[2]): PackageManager => managerOn(server, cacheDir, options);

  before(async () => {
    index = demoIndex();
    server = await servePackageIndex(index);
  });
  after(() => server.close());

  it('loads what the code imports, dependencies first, verified, then from the cache', async () => {
    const cacheDir = newCacheDir();
    const plan = await manager(cacheDir).plan({ code: 'def f():\n    from sandbox_demo_b import NAME\n' });
    assert.deepEqual(names(plan), [A, B]);
    const [a, b] = [index.wheels.get(A)!, index.wheels.get(B)!];
    assert.deepEqual(
      plan.packages.map(({ version, fileName, sha256: hash, source, cached, size }) => ({ version, fileName, hash, source, cached, size })),
      [
        { version: '1.0.0', fileName: a.fileName, hash: a.sha256, source: 'lock', cached: false, size: a.bytes.length },
        { version: '2.1.0', fileName: b.fileName, hash: b.sha256, source: 'lock', cached: false, size: b.bytes.length },
      ],
    );
    assert.equal(plan.downloadBytes, a.bytes.length + b.bytes.length);
    assert.equal(plan.downloadSizesKnown, true);
    assert.deepEqual(plan.packages[1].depends, [A]);

    const local = await manager(cacheDir).fetch(plan);
    assert.deepEqual(
      local.map((entry) => [entry.name, entry.fromCache]),
      [
        [A, false],
        [B, false],
      ],
    );
    for (const entry of local) {
      assert.ok(path.isAbsolute(entry.path) && entry.path.startsWith(cacheDir));
      assert.equal(sha256(fs.readFileSync(entry.path)), entry.sha256);
      assert.equal(path.basename(entry.path), entry.fileName, 'Pyodide reads the wheel name from the file name');
    }

    const mark = server.requests.length;
    const again = await manager(cacheDir).plan({ code: 'import sandbox_demo_b' });
    assert.deepEqual(
      again.packages.map((entry) => entry.cached),
      [true, true],
    );
    assert.equal(again.downloadBytes, 0);
    const warm = await manager(cacheDir).fetch(again);
    assert.deepEqual(
      warm.map((entry) => [entry.fromCache, entry.path]),
      local.map((entry) => [true, entry.path]),
    );
    assert.deepEqual(fileRequests(server, mark), [], 'a warm cache downloads nothing');
  });

  it('leaves out imports that are not packages: the standard library, unknown names, relative imports', async () => {
    const mark = server.requests.length;
    const plan = await manager(newCacheDir()).plan({ code: 'import os, json\nimport not_a_package\nfrom . import sandbox_demo_a\n' });
    assert.deepEqual(names(plan), []);
    assert.deepEqual(fileRequests(server, mark), []);
  });

  it('reads a PEP 723 block, also with automatic imports off', async () => {
    const code = `# /// script\n# dependencies = ["${A}>=1.0", "${C}; python_version >= '3.10'"]\n# ///\nimport sandbox_demo_b\n`;
    assert.deepEqual(names(await manager(newCacheDir()).plan({ code })), [A, C, B]);
    assert.deepEqual(names(await manager(newCacheDir()).plan({ code, autoImports: false })), [A, C]);
  });

  it('loads explicit names with their dependencies; a marker that is false drops one', async () => {
    const plan = await manager(newCacheDir()).plan({ names: [B, `${C}; sys_platform == "win32"`, ''] });
    assert.deepEqual(names(plan), [A, B]);
    assert.deepEqual(names(await manager(newCacheDir()).plan({ names: ['Sandbox_Demo.A'] })), [A], 'names are matched canonically');
  });

  it('refuses a version the lock cannot satisfy, and a script for another Python', async () => {
    await rejectsWith(
      manager(newCacheDir()).plan({ names: [`${B}>=3`] }),
      'version',
      /^sandbox-demo-b: the lock has 2\.1\.0, which does not satisfy 'sandbox-demo-b>=3'$/,
    );
    const code = '# /// script\n# requires-python = ">=3.15"\n# ///\n';
    await rejectsWith(manager(newCacheDir()).plan({ code }), 'version', /requires Python >=3\.15; the sandbox runs Python 3\.14\.2/);
    await rejectsWith(manager(newCacheDir()).plan({ names: ['numpy>='] }), 'invalid', /'numpy>=' is not a requirement/);
  });

  it('refuses a tampered wheel and caches nothing of it', async () => {
    const tampered = demoIndex();
    const wheel = tampered.wheels.get(C)!;
    const bytes = new Uint8Array(wheel.bytes);
    bytes[bytes.length >> 1] ^= 0xff;
    tampered.files.set(wheel.fileName, bytes);
    const tamperedServer = await servePackageIndex(tampered);
    try {
      const cacheDir = newCacheDir();
      const packages = createNodePackageManager({ cacheDir, distDir: DIST_DIR, indexUrl: tamperedServer.indexUrl });
      const plan = await packages.plan({ names: [C] });
      await rejectsWith(packages.fetch(plan), 'hash-mismatch', new RegExp(`^${C}: ${wheel.fileName} from .* has sha256 ${sha256(bytes)}, but the lock says ${wheel.sha256}; it was refused and not cached$`));
      assert.deepEqual(
        cachedFiles(cacheDir).filter((file) => file.startsWith('files/')),
        [],
      );
    } finally {
      await tamperedServer.close();
    }
  }); // prettier-ignore

  it('refuses a lock with a path-like file name, caching nothing and fetching nothing', async () => {
    for (const fileName of ['../../outside.whl', '/etc/passwd', 'https://elsewhere.example/x.whl', 'sub\\x.whl']) {
      const hostile = demoIndex();
      hostile.lock.packages[A].file_name = fileName;
      const hostileServer = await servePackageIndex(hostile);
      try {
        const cacheDir = newCacheDir();
        const plan = createNodePackageManager({ cacheDir, distDir: DIST_DIR, indexUrl: hostileServer.indexUrl }).plan({ names: [C] });
        await rejectsWith(plan, 'bad-file-name', /package 'sandbox-demo-a': file_name .* is not a plain file name/);
        assert.deepEqual(cachedFiles(cacheDir), []);
        assert.deepEqual(fileRequests(hostileServer), []);
      } finally {
        await hostileServer.close();
      }
    }
  });

  it('refuses a lock built for another Pyodide', async () => {
    const other = generatePackageIndex({
      info: { ...bundledLockInfo(), python: '3.13.2' },
      lock: [{ name: A, version: '1.0.0' }],
      micropip: false,
    });
    const otherServer = await servePackageIndex(other);
    try {
      const cacheDir = newCacheDir();
      const plan = createNodePackageManager({ cacheDir, distDir: DIST_DIR, indexUrl: otherServer.indexUrl }).plan({ names: [A] });
      await rejectsWith(plan, 'lock-mismatch', /is for another Pyodide \(python 3\.13\.2\); this one needs python 3\.14\.2/);
      assert.deepEqual(cachedFiles(cacheDir), []);
    } finally {
      await otherServer.close();
    }
  });

  it('reads an index from a file: URL', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-index-'));
    try {
      writePackageFolder(index, folder);
      const packages = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: pathToFileURL(folder).href });
      const plan = await packages.plan({ names: [B] });
      assert.equal(
        plan.downloadBytes,
        index.files.get(plan.packages[0].fileName)!.length + index.files.get(plan.packages[1].fileName)!.length,
      );
      const local = await packages.fetch(plan);
      assert.deepEqual(
        local.map((entry) => sha256(fs.readFileSync(entry.path))),
        [index.wheels.get(A)!.sha256, index.wheels.get(B)!.sha256],
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reports progress up to the total, and caps what one load downloads', async () => {
    const progress: [number, number][] = [];
    const cacheDir = newCacheDir();
    const plan = await manager(cacheDir).plan({ names: [B, C] });
    await manager(cacheDir).fetch(plan, { onProgress: (done, total) => progress.push([done, total]) });
    assert.ok(progress.length >= 3);
    assert.deepEqual(progress.at(-1), [plan.downloadBytes, plan.downloadBytes]);
    assert.ok(progress.every(([done, total], i) => done <= total && (i === 0 || done >= progress[i - 1][0])));

    const small = newCacheDir();
    const capped = manager(small, { maxDownloadBytes: 100_000 });
    await rejectsWith(
      capped.fetch(await capped.plan({ names: [B, C] })),
      'too-large',
      /^sandbox-demo-c: the load needs 0\.3 MB, over the 0\.1 MB download cap/,
    );
    assert.deepEqual(
      cachedFiles(small).filter((file) => file.startsWith('files/')),
      [],
      'refused before downloading',
    );
  });

  it('caps a download whose size the server does not announce while it streams', async () => {
    const cacheDir = newCacheDir();
    // The same server, through a fetch that drops Content-Length (as chunked responses do).
    const unsized = new PackageManager({
      store: new NodeFileStore(path.join(cacheDir, 'v')),
      bundledLock: readBundledLock(DIST_DIR),
      indexUrl: server.indexUrl,
      maxDownloadBytes: 100_000,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        return new Response(init?.method === 'HEAD' ? null : response.body, { status: response.status });
      },
    });
    const plan = await unsized.plan({ names: [C] });
    assert.equal(plan.downloadSizesKnown, false);
    await rejectsWith(unsized.fetch(plan), 'too-large', /^sandbox-demo-c: the load downloaded .* MB, over the 0\.1 MB download cap/);
    assert.equal(fs.existsSync(path.join(cacheDir, 'v', 'files')), false);
  });

  it('cancels: before it starts, and in the middle of a download, caching nothing of it', async () => {
    const cacheDir = newCacheDir();
    const plan = await manager(cacheDir).plan({ names: [C] });
    await rejectsWith(manager(cacheDir).fetch(plan, { signal: AbortSignal.abort() }), 'cancelled', /cancelled/);
    await rejectsWith(manager(cacheDir).plan({ names: [C] }, AbortSignal.abort()), 'cancelled', /cancelled/);
    const controller = new AbortController();
    const onProgress = (done: number): void => {
      if (done > 0) controller.abort();
    };
    await rejectsWith(
      manager(cacheDir).fetch(plan, { signal: controller.signal, onProgress }),
      'cancelled',
      /^sandbox-demo-c: the download was cancelled$/,
    );
    assert.deepEqual(
      cachedFiles(cacheDir).filter((file) => file.startsWith('files/')),
      [],
    );
  });

  it('needs no network with a warm cache: the server stopped, online or offline', async () => {
    const warmIndex = demoIndex();
    const warmServer = await servePackageIndex(warmIndex);
    const cacheDir = newCacheDir();
    const options = { cacheDir, distDir: DIST_DIR, indexUrl: warmServer.indexUrl };
    const first = createNodePackageManager(options);
    const expected = await first.fetch(await first.plan({ code: 'import sandbox_demo_b' }));
    await warmServer.close();
    for (const offline of [false, true]) {
      const packages = createNodePackageManager({ ...options, offline });
      const plan = await packages.plan({ code: 'import sandbox_demo_b' });
      assert.deepEqual(plan.downloadBytes, 0);
      assert.deepEqual(
        await packages.fetch(plan),
        expected.map((entry) => ({ ...entry, fromCache: true })),
      );
    }
  });

  it('offline and not cached fails at plan time, naming the package and the index', async () => {
    const cacheDir = newCacheDir();
    await rejectsWith(manager(cacheDir, { offline: true }).plan({ names: [A] }), 'unreachable', /^the lock http:.*\/pyodide-lock\.json is not in the package cache, and downloads are off \(offline\)$/);
    await manager(cacheDir).plan({ names: [] }); // caches the lock only
    const error = await rejectsWith(manager(cacheDir, { offline: true }).plan({ names: [B] }), 'unreachable', /^sandbox-demo-a: not in the package cache, and downloads are off \(offline\); it comes from the index http:/);
    assert.ok(error.message.endsWith(server.indexUrl));
  }); // prettier-ignore

  it('an index that cannot be reached fails clearly, naming what and where', async () => {
    const flaky = await servePackageIndex(demoIndex());
    const options = { cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: flaky.indexUrl };
    await createNodePackageManager(options).plan({ names: [] }); // caches the lock only
    await flaky.close();
    const wheel = `${flaky.indexUrl}sandbox_demo_a-1.0.0-py3-none-any.whl`;
    await rejectsWith(createNodePackageManager(options).plan({ names: [A] }), 'unreachable', new RegExp(`^sandbox-demo-a: cannot download ${wheel} \\(fetch failed: .*ECONNREFUSED`));
    const lock = `${flaky.indexUrl}pyodide-lock.json`;
    const uncached = createNodePackageManager({ ...options, cacheDir: newCacheDir() });
    await rejectsWith(uncached.plan({ names: [A] }), 'unreachable', new RegExp(`^the package index: cannot download ${lock} \\(fetch failed: .*ECONNREFUSED`));
  }); // prettier-ignore

  it('an index URL that is not http, https or file is refused, naming it', async () => {
    await rejectsWith(
      manager(newCacheDir(), { indexUrl: 'ftp://example.com/pyodide/' }).plan({ names: [A] }),
      'invalid',
      /^the package index: 'ftp:\/\/example\.com\/pyodide\/' is not an http, https or file URL$/,
    );
    await rejectsWith(
      manager(newCacheDir(), { pypiIndexUrl: 'no index' }).plan({ names: ['not-in-the-lock'] }),
      'invalid',
      /^the PyPI index: 'no index' is not an http, https or file URL$/,
    );
  });

  it('a lock package whose dependency is missing is refused, naming both', async () => {
    const broken = demoIndex();
    broken.lock.packages[B].depends = ['sandbox-demo-missing'];
    const brokenServer = await servePackageIndex(broken);
    try {
      const plan = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, indexUrl: brokenServer.indexUrl }).plan({
        names: [B],
      });
      await rejectsWith(plan, 'unknown', /^sandbox-demo-missing: needed by sandbox-demo-b, but nothing provides it$/);
    } finally {
      await brokenServer.close();
    }
  });

  it('previews what a plan would load from the lock and the cache, asking no server', async () => {
    const cacheDir = newCacheDir();
    const preview = async (request: PackageRequest): Promise<PackagePreview> => {
      const mark = server.requests.length;
      const answer = await manager(cacheDir).preview(request);
      assert.deepEqual(server.requests.slice(mark), [], 'a preview asks no server');
      return answer;
    };
    const code = `# /// script\n# dependencies = ["${C}"]\n# ///\nimport sandbox_demo_b\n`;
    assert.deepEqual(await preview({ code, names: ['', A] }), {
      kind: 'lock-not-cached',
      lockUrl: `${server.indexUrl}pyodide-lock.json`,
      named: [A, C],
    });

    await manager(cacheDir).fetch(await manager(cacheDir).plan({ names: [A] }));
    assert.deepEqual(await preview({ code }), {
      kind: 'known',
      packages: [
        { name: C, version: '0.3.0', source: 'lock', cached: false },
        { name: A, version: '1.0.0', source: 'lock', cached: true },
        { name: B, version: '2.1.0', source: 'lock', cached: false },
      ],
      fromPyPI: [],
      pypiIndexUrl: server.pypiIndexUrl,
    });
    assert.deepEqual(names(await manager(cacheDir).plan({ code })), [C, A, B], 'the plan loads the same, in the same order');
    assert.deepEqual(await preview({ names: [`${B}>=3`] }), {
      kind: 'failed',
      reason: "sandbox-demo-b: the lock has 2.1.0, which does not satisfy 'sandbox-demo-b>=3'",
    });
  });

  it('clearCache removes files, the lock and resolutions', async () => {
    const cacheDir = newCacheDir();
    const packages = manager(cacheDir);
    await packages.fetch(await packages.plan({ names: [A] }));
    assert.ok(cachedFiles(cacheDir).some((file) => file.startsWith('locks/')));
    await packages.clearCache();
    assert.deepEqual(cachedFiles(cacheDir), []);
    assert.equal((await packages.plan({ names: [A] })).packages[0].cached, false);
  });
});

describe('packages: the default index is the bundled lock', function () {
  const newCacheDir = cacheDirsFor(this);

  it('plans from the bundled lock without any network', async () => {
    const packages = createNodePackageManager({ cacheDir: newCacheDir(), distDir: DIST_DIR, offline: true });
    assert.equal(packages.indexUrl, defaultIndexUrl());
    assert.deepEqual(names(await packages.plan({ code: 'import os, sys' })), []);
    await rejectsWith(
      packages.plan({ code: 'import yaml' }),
      'unreachable',
      /^pyyaml: not in the package cache, and downloads are off \(offline\); it comes from the index https:\/\/cdn\.jsdelivr\.net\/pyodide\/v314\.0\.7\/full\/$/,
    );
  });
});
