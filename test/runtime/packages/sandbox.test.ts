/** Packages in the real sandbox: prepared outside it, read from the cache by its process, loaded by its worker. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { PackageRequest } from '../../../src/packages/manager';
import { cacheRoot } from '../../../src/packages/node';
import { packagePreparer, type PrepareHooks } from '../../../src/packages/prepare';
import type { SandboxClient } from '../../../src/sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from '../../../src/sandbox/node-client';
import type { PreparedPackage } from '../../../src/sandbox/package-memory';
import type { Run } from '../../../src/sandbox/run';
import { cachedFiles, cacheDirsFor, managerOn } from '../../fixtures/package-tests';
import { storedZip } from '../../fixtures/zip';
import {
  bundledLockInfo,
  DIST_DIR,
  generatePackageIndex,
  servePackageIndex,
  sha256,
  type GeneratedIndex,
  type PackageIndexServer,
} from '../../fixtures/package-index';

const A = 'sandbox-demo-a';
const B = 'sandbox-demo-b';
const SO = 'sandbox-demo-so';

/** a; b, which imports a; a wheel with a WebAssembly shared library (its module does not use ctypes, which the sandbox refuses). */
function demoIndex(): GeneratedIndex {
  return generatePackageIndex({
    info: bundledLockInfo(),
    lock: [
      { name: A, version: '1.0.0' },
      { name: B, version: '2.0.0', requires: [A], init: 'from sandbox_demo_a import NAME as A_NAME\nNAME = "sandbox-demo-b"\n' },
      {
        name: SO,
        version: '1.0.0',
        sharedLibrary: true,
        init: 'import pathlib\nLIBRARY = pathlib.Path(__file__).with_name("libanswer.so").is_file()\n',
      },
    ],
    micropip: false,
  });
}

/** `name version (cached|downloaded)` for each package a run loaded. */
function loads(run: Run): string[] {
  return run.packages.map((entry) => `${entry.name} ${entry.version} ${entry.fromCache ? '(cached)' : '(downloaded)'}`);
}

describe('packages: loaded into the sandbox', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  let server: PackageIndexServer;
  const clients: SandboxClient[] = [];

  before(async () => {
    server = await servePackageIndex(demoIndex());
  });
  after(() => server.close());
  afterEach(() => clients.splice(0).forEach((client) => client.dispose()));

  /** A client whose sandbox may read `cacheDir`'s packages, and runs that prepare theirs from `server`. */
  function setUp(cacheDir: string, options: NodeSandboxOptions = {}, managerOptions: Parameters<typeof managerOn>[2] = {}) {
    const client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir), ...options });
    clients.push(client);
    const manager = managerOn(server, cacheDir, managerOptions);
    const run = (code: string, request: Omit<PackageRequest, 'code'> = {}, hooks?: PrepareHooks): Run =>
      client.run('exec', code, { packages: packagePreparer(manager, { code, ...request }, hooks) });
    return { client, manager, run };
  }

  it('loads what the code imports, dependencies first, before the code runs', async () => {
    const { run } = setUp(newCacheDir());
    const first = run('import sandbox_demo_b\nprint(sandbox_demo_b.NAME, sandbox_demo_b.A_NAME)');
    const result = await first.result;
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.output, 'sandbox-demo-b sandbox-demo-a\n');
    assert.deepEqual(loads(first), [`${A} 1.0.0 (downloaded)`, `${B} 2.0.0 (downloaded)`]);
    // Loaded packages stay: a later run imports them with nothing to load.
    const again = run('import sandbox_demo_a\nprint(sandbox_demo_a.VERSION)');
    assert.equal((await again.result).output, '1.0.0\n');
    assert.deepEqual(loads(again), []);
  });

  it('loads the packages of a PEP 723 block, and named ones, with automatic imports off', async () => {
    const { run } = setUp(newCacheDir());
    const script = `# /// script\n# dependencies = ["${B}>=2"]\n# ///\nimport importlib\nprint(importlib.import_module("sandbox_demo_b").NAME)`;
    const fromBlock = run(script, { autoImports: false });
    assert.equal((await fromBlock.result).output, 'sandbox-demo-b\n');
    assert.deepEqual(loads(fromBlock), [`${A} 1.0.0 (downloaded)`, `${B} 2.0.0 (downloaded)`]);
    const named = run('print(__import__("sandbox_demo_so").LIBRARY)', { names: [SO], autoImports: false });
    assert.equal((await named.result).output, 'True\n');
    assert.deepEqual(loads(named), [`${SO} 1.0.0 (downloaded)`]);
  });

  it('without automatic imports, an import that was not named fails in Python with a hint', async () => {
    const { run } = setUp(newCacheDir());
    const result = await run('import sandbox_demo_a', { autoImports: false }).result;
    assert.equal(result.error?.type, 'ModuleNotFoundError');
    assert.equal(result.packagesFailed, undefined);
  });

  it('a wheel with a WebAssembly shared library loads; ctypes stays refused', async () => {
    const { client, run } = setUp(newCacheDir());
    const result = await run('import sandbox_demo_so\nprint(sandbox_demo_so.LIBRARY)').result;
    assert.equal(result.output, 'True\n', result.error?.message);
    const ctypes = await client.exec('import ctypes');
    assert.match(ctypes.error?.message ?? '', /ctypes is not available in the sandbox/);
  });

  it('a shared-library package of the lock (as libopenblas is) loads before the package that needs it; a broken one is a clear result', async () => {
    const spec = {
      info: bundledLockInfo(),
      lock: [
        {
          name: 'sandbox-needs-lib',
          version: '1.0.0',
          requires: ['sandbox-answer'],
          init: 'import os\nFOUND = os.path.exists("/usr/lib/libsandbox_answer.so")\n',
        },
      ],
      sharedLibraries: ['sandbox-answer'],
      micropip: false,
    };
    const code = 'import sandbox_needs_lib\nprint(sandbox_needs_lib.FOUND)';
    const good = await servePackageIndex(generatePackageIndex(spec));
    const brokenIndex = generatePackageIndex(spec);
    const library = brokenIndex.lock.packages['sandbox-answer'];
    const notWasm = storedZip(new Map([['libsandbox_answer.so', new TextEncoder().encode('not WebAssembly')]]));
    brokenIndex.files.set(library.file_name, notWasm);
    library.sha256 = sha256(notWasm);
    const broken = await servePackageIndex(brokenIndex);
    try {
      for (const [index, expected] of [
        [good, 'True\n'],
        [broken, undefined],
      ] as const) {
        const cacheDir = newCacheDir();
        const client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
        clients.push(client);
        const run = client.run('exec', code, { packages: packagePreparer(managerOn(index, cacheDir), { code }) });
        const result = await run.result;
        assert.deepEqual(loads(run), ['sandbox-answer 1.0.0 (downloaded)', 'sandbox-needs-lib 1.0.0 (downloaded)']);
        if (expected) {
          assert.equal(result.output, expected, result.error?.message);
        } else {
          assert.equal(result.packagesFailed, true);
          assert.match(
            result.error?.message ?? '',
            /^the sandbox could not load sandbox-answer, sandbox-needs-lib; the code did not run\. It reported: .*sandbox-answer/,
          );
          assert.equal((await client.eval('6 * 7')).value, '42', 'the sandbox carries on');
        }
      }
    } finally {
      await good.close();
      await broken.close();
    }
  });

  it('a warm cache needs no server: a new sandbox loads from it with the index stopped', async () => {
    const cacheDir = newCacheDir();
    const code = 'import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)';
    const own = await servePackageIndex(demoIndex());
    const warmUp = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
    clients.push(warmUp);
    assert.equal(
      (await warmUp.run('exec', code, { packages: packagePreparer(managerOn(own, cacheDir), { code }) }).result).output,
      'sandbox-demo-a\n',
    );
    await own.close();
    // The same cache and index URLs, and nothing listening there: only the cache can serve this.
    const client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
    clients.push(client);
    const run = client.run('exec', code, { packages: packagePreparer(managerOn(own, cacheDir), { code }) });
    assert.equal((await run.result).output, 'sandbox-demo-a\n');
    assert.deepEqual(loads(run), [`${A} 1.0.0 (cached)`, `${B} 2.0.0 (cached)`]);
  });

  it('offline and not cached: the code does not run, and the error names the package and the index', async () => {
    const cacheDir = newCacheDir();
    const { client, run } = setUp(cacheDir, {}, { offline: true });
    // The lock is needed to plan; put it in the cache as an earlier online run would have.
    await managerOn(server, cacheDir).plan({});
    const result = await run('print("ran")\nimport sandbox_demo_a').result;
    assert.equal(result.packagesFailed, true);
    assert.equal(result.output, '');
    assert.equal(result.error?.type, 'PackageError');
    assert.match(result.error.message, new RegExp(`^${A}: not in the package cache.*offline.*${server.indexUrl}`));
    assert.equal((await client.eval('1 + 1')).value, '2', 'the sandbox is fine');
  });

  it('a tampered wheel is refused: the code does not run and nothing of it is cached', async () => {
    const index = demoIndex();
    const wheel = index.wheels.get(A)!;
    index.files.set(wheel.fileName, new Uint8Array([...wheel.bytes.slice(0, -1), wheel.bytes.at(-1)! ^ 1]));
    const tampered = await servePackageIndex(index);
    const cacheDir = newCacheDir();
    try {
      const client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
      clients.push(client);
      const code = 'print("ran")\nimport sandbox_demo_a';
      const result = await client.run('exec', code, { packages: packagePreparer(managerOn(tampered, cacheDir), { code }) }).result;
      assert.equal(result.packagesFailed, true);
      assert.equal(result.output, '');
      assert.match(
        result.error?.message ?? '',
        new RegExp(`^${A}: .*has sha256 .* but the lock says ${wheel.sha256}; it was refused and not cached`),
      );
      assert.deepEqual(
        cachedFiles(cacheDir).filter((file) => file.startsWith('files/')),
        [],
      );
    } finally {
      await tampered.close();
    }
  });

  it('a lock whose file name is a path is refused before anything is fetched or loaded', async () => {
    const index = demoIndex();
    index.lock.packages[A].file_name = `../${index.lock.packages[A].file_name}`;
    const hostile = await servePackageIndex(index);
    const cacheDir = newCacheDir();
    try {
      const client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
      clients.push(client);
      const code = 'import sandbox_demo_b';
      const result = await client.run('exec', code, { packages: packagePreparer(managerOn(hostile, cacheDir), { code }) }).result;
      assert.equal(result.packagesFailed, true);
      assert.match(result.error?.message ?? '', /is not a plain file name \(it contains a path separator\)/);
      assert.deepEqual(
        hostile.requests.filter((request) => !request.endsWith('pyodide-lock.json')),
        [],
      );
      assert.deepEqual(cachedFiles(cacheDir), []);
    } finally {
      await hostile.close();
    }
  });

  it('after a restart, the packages loaded before load again from the cache, with the index stopped', async () => {
    const cacheDir = newCacheDir();
    const index = demoIndex();
    const own = await servePackageIndex(index);
    const client = createNodeClient({ distDir: DIST_DIR, packageCacheDir: cacheRoot(cacheDir) });
    clients.push(client);
    const load = client.run('exec', '', { packages: packagePreparer(managerOn(own, cacheDir), { names: [B] }) });
    assert.equal((await load.result).error, undefined);
    await own.close();
    await client.restart();
    const run = client.run('exec', 'import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)');
    assert.equal((await run.result).output, 'sandbox-demo-a\n');
    assert.deepEqual(loads(run), [`${A} 1.0.0 (cached)`, `${B} 2.0.0 (cached)`]);
    // And after a crash of the sandbox (a recycle is the same path: a new sandbox).
    process.kill(client.sandbox!.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const afterCrash = client.run('exec', 'import sandbox_demo_a');
    assert.equal((await afterCrash.result).error, undefined);
    assert.deepEqual(loads(afterCrash), [`${A} 1.0.0 (cached)`, `${B} 2.0.0 (cached)`]);
  });

  it('a cached file changed after it was verified is refused by the sandbox process; later runs do not depend on it', async () => {
    const cacheDir = newCacheDir();
    const { client, manager } = setUp(cacheDir);
    const [local] = await manager.fetch(await manager.plan({ names: [A] }));
    fs.writeFileSync(local.path, 'not the wheel');
    const run = client.run('exec', 'print("ran")', { packages: () => Promise.resolve([local]) });
    const result = await run.result;
    assert.equal(result.packagesFailed, true);
    assert.equal(result.output, '');
    assert.match(result.error?.message ?? '', new RegExp(`could not load ${A}; the code did not run.*changed after it was verified`));
    assert.equal((await client.exec('print("next")')).output, 'next\n');
  });

  it('another file of a loaded package is refused until the runtime restarts, which then loads it', async () => {
    const cacheDir = newCacheDir();
    const { client, manager } = setUp(cacheDir);
    const [a] = await manager.fetch(await manager.plan({ names: [A] }));
    assert.equal((await client.run('exec', '', { packages: () => Promise.resolve([a]) }).result).error, undefined);
    const other = generatePackageIndex({ info: bundledLockInfo(), lock: [{ name: A, version: '1.1.0' }], micropip: false });
    const otherServer = await servePackageIndex(other);
    try {
      const otherManager = managerOn(otherServer, cacheDir);
      const [newer] = await otherManager.fetch(await otherManager.plan({ names: [A] }));
      const refused = await client.run('exec', '', { packages: () => Promise.resolve([newer]) }).result;
      assert.equal(refused.packagesFailed, true);
      assert.match(
        refused.error?.message ?? '',
        new RegExp(`^${A}: another file of it .* is loaded in this runtime; restart the runtime to load 1.1.0`),
      );
      await client.restart();
      assert.equal((await client.eval('__import__("sandbox_demo_a").VERSION')).value, '"1.1.0"');
    } finally {
      await otherServer.close();
    }
  });

  it('a run waits for its packages in queue order, and one cancelled while they are prepared never runs', async () => {
    const { client, run } = setUp(newCacheDir());
    let asked!: () => void;
    const asking = new Promise<void>((resolve) => (asked = resolve));
    let consent!: () => void;
    const hooks: PrepareHooks = { consent: () => new Promise<void>((resolve) => ((consent = resolve), asked())) };
    const finished: string[] = [];
    const first = run('print("first")\nimport sandbox_demo_a', {}, hooks);
    const second = client.run('exec', 'print("second")');
    const both = Promise.all([first, second].map((entry) => entry.result.then((result) => finished.push(result.output))));
    await asking;
    assert.equal(second.state, 'queued', 'the second run waits while the first one asks');
    consent();
    await both;
    assert.deepEqual(finished, ['first\n', 'second\n']);

    const cancelled = run('print("never")\nimport sandbox_demo_b', {}, { consent: () => new Promise<void>(() => undefined) });
    const requests = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    cancelled.interrupt();
    const result = await cancelled.result;
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.equal(result.output, '');
    assert.deepEqual(
      server.requests.slice(requests).filter((request) => request.startsWith('GET')),
      [],
      'nothing was downloaded',
    );
  });

  it('worker isolation loads packages too', async () => {
    const { run } = setUp(newCacheDir(), { isolation: 'worker' });
    assert.equal((await run('import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)').result).output, 'sandbox-demo-a\n');
  });

  it('a file outside the package cache folder is refused before it is sent', async () => {
    const { client } = setUp(newCacheDir());
    const elsewhere: PreparedPackage = {
      name: A,
      version: '1.0.0',
      fileName: 'x.whl',
      path: '/etc/passwd',
      sha256: '0'.repeat(64),
      depends: [],
      imports: [],
      packageType: 'package',
      installDir: 'site',
      fromCache: true,
    };
    const result = await client.run('exec', 'print("ran")', { packages: () => Promise.resolve([elsewhere]) }).result;
    assert.equal(result.packagesFailed, true);
    assert.match(result.error?.message ?? '', /not in the package cache folder that the sandbox may read/);
  });
});
