/**
 * Packages in the browser worker (headless Chromium, outside VS Code): before a run, the browser
 * transport reads its verified files from the package cache (in memory in the test page),
 * checks each sha256 again and hands the worker their bytes, as the relay does on Node. The web
 * worker extension host runs the same code with the cache in the extension's global storage
 * (test/web/packages.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { SandboxClient } from '../../src/sandbox/client';
import type { PreparedPackage } from '../../src/sandbox/package-memory';
import type { RunResult } from '../../src/sandbox/result';
import { COMPROMISED_WORKER_PRELUDE } from '../browser/compromised-worker';
import { evaluateIn, openBrowserSandbox, type BrowserSandbox } from '../browser/harness';
import type { SandboxPage } from '../browser/page';
import { buildWheel, type Wheel } from '../fixtures/package-index';
import { distDir } from './sandbox';

const files = { distDir, pageScript: path.resolve(__dirname, '../browser/page.js') };

type PageGlobals = { sandboxPage: SandboxPage; client: SandboxClient };

const A = buildWheel({ name: 'sandbox-demo-a', version: '1.0.0' });
const B = buildWheel({
  name: 'sandbox-demo-b',
  version: '2.0.0',
  requires: ['sandbox-demo-a'],
  init: 'from sandbox_demo_a import NAME as A_NAME\n',
});
/** A wheel with a WebAssembly shared library (its module checks the file; ctypes is refused in the sandbox). */
const SO = buildWheel({
  name: 'sandbox-demo-so',
  version: '1.0.0',
  sharedLibrary: true,
  init: 'import pathlib\nLIBRARY = pathlib.Path(__file__).with_name("libanswer.so").is_file()\n',
});
const C = buildWheel({ name: 'sandbox-demo-c', version: '3.0.0' });

/** A run's result and what it loaded before its code, as `name version (cached|downloaded)`. */
interface PackageRun {
  readonly result: RunResult;
  readonly loads: string[];
}

describe('browser worker: packages handed over by the extension host', function () {
  let browser: BrowserSandbox;
  let cacheFolder: string;
  let requests = 0;
  const listener = http.createServer((_request, response) => {
    requests++;
    response.end('reached');
  });
  const evaluate = <T, A>(fn: (g: PageGlobals, arg: A) => T | Promise<T>, arg: A): Promise<T> => evaluateIn(browser.page, fn, arg);

  /** A wheel as the package manager hands it to a run: verified, in the cache (unless `location` says elsewhere). */
  const prepared = (
    wheel: Wheel,
    depends: string[] = [],
    location = `${cacheFolder}files/${wheel.sha256}/${wheel.fileName}`,
  ): PreparedPackage => ({
    name: wheel.spec.name,
    version: wheel.spec.version,
    fileName: wheel.fileName,
    path: location,
    sha256: wheel.sha256,
    depends,
    imports: [wheel.module],
    packageType: 'package',
    installDir: 'site',
    fromCache: true,
  });

  /** Puts `bytes` into the page's package cache at `file`'s location. */
  const cache = (file: PreparedPackage, bytes: Uint8Array): Promise<void> =>
    evaluate((g, [location, data]) => void g.sandboxPage.packageFiles.set(location, new Uint8Array(data)), [
      file.path,
      [...bytes],
    ] as const);

  const run = (code: string, packages: PreparedPackage[] = []): Promise<PackageRun> =>
    evaluate(
      async (g, [source, wanted]) => {
        const started = g.client.run('exec', source, wanted.length > 0 ? { packages: () => Promise.resolve(wanted) } : {});
        const result = await started.result;
        return {
          result,
          loads: started.packages.map((entry) => `${entry.name} ${entry.version} ${entry.fromCache ? '(cached)' : '(downloaded)'}`),
        };
      },
      [code, packages] as const,
    );

  const a = (): PreparedPackage => prepared(A);
  const b = (): PreparedPackage => prepared(B, ['sandbox-demo-a']);

  before(async () => {
    browser = await openBrowserSandbox(false, files);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    cacheFolder = await evaluate((g) => g.sandboxPage.packageCache, undefined);
    await evaluate((g) => {
      g.client = g.sandboxPage.client();
      return g.client.start();
    }, undefined);
    for (const [file, wheel] of [
      [a(), A],
      [b(), B],
      [prepared(SO), SO],
    ] as const)
      await cache(file, wheel.bytes);
  });
  after(async () => {
    listener.close();
    await browser?.close();
  });

  it('loads a package and its dependency before the code, and still reaches no network', async () => {
    const first = await run('import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)', [a(), b()]);
    assert.equal(first.result.error, undefined, first.result.error?.message);
    assert.equal(first.result.output, 'sandbox-demo-a\n');
    assert.deepEqual(first.loads, ['sandbox-demo-a 1.0.0 (cached)', 'sandbox-demo-b 2.0.0 (cached)']);
    const again = await run('import sandbox_demo_a\nprint(sandbox_demo_a.VERSION)', [a()]);
    assert.deepEqual([again.result.output, again.loads], ['1.0.0\n', []], 'loaded packages stay');
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/`;
    for (const attempt of [
      `__import__("pyodide.http").http.open_url(${JSON.stringify(url)})`,
      `__import__("urllib.request").request.urlopen(${JSON.stringify(url)})`,
      `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor('return fetch(${JSON.stringify(url)})')()`,
    ]) {
      const { result } = await run(attempt);
      assert.ok(result.error, `${attempt} failed`);
    }
    assert.equal(requests, 0, 'the loopback listener was reached');
  });

  it('after a restart, the packages loaded before load again from the cache', async () => {
    // Loaded here too (a no-op after the test above), so that the test also runs alone.
    await run('import sandbox_demo_b', [a(), b()]);
    await evaluate((g) => g.client.restart(), undefined);
    const after = await run('import sandbox_demo_b\nprint(sandbox_demo_b.A_NAME)');
    assert.equal(after.result.output, 'sandbox-demo-a\n', after.result.error?.message);
    assert.deepEqual(after.loads, ['sandbox-demo-a 1.0.0 (cached)', 'sandbox-demo-b 2.0.0 (cached)']);
  });

  it('a wheel with a WebAssembly shared library loads', async () => {
    const { result } = await run('import sandbox_demo_so\nprint(sandbox_demo_so.LIBRARY)', [prepared(SO)]);
    assert.equal(result.output, 'True\n', result.error?.message);
  });

  it('a file changed in the cache after it was verified is refused: the code does not run, the runtime carries on', async () => {
    const c = prepared(C);
    await cache(c, new Uint8Array([...C.bytes.slice(0, -1), C.bytes.at(-1)! ^ 1]));
    const { result } = await run('print("ran")', [c]);
    assert.equal(result.packagesFailed, true);
    assert.equal(result.output, '');
    assert.match(
      result.error?.message ?? '',
      /^the sandbox could not load sandbox-demo-c; the code did not run\..*changed after it was verified/,
    );
    assert.equal((await run('print("next")')).result.output, 'next\n');
  });

  it('a file outside the package cache is not read', async () => {
    const { result } = await run('print("ran")', [prepared(C, [], `memory:/elsewhere/${C.fileName}`)]);
    assert.equal(result.packagesFailed, true);
    assert.match(result.error?.message ?? '', /^sandbox-demo-c: its file is not in the package cache folder that the sandbox may read/);
  });
});

/** A worker that plays a compromised sandbox around a package load: its answer is checked like a frame. */
describe('browser worker: what a compromised worker answers to a package load', function () {
  let browser: BrowserSandbox;
  before(async () => {
    browser = await openBrowserSandbox(false, files);
  });
  after(() => browser?.close());

  /** Worker source: reports a full lock-down when started, then calls `answer(message)` for each later message. */
  const worker = (answer: string): string => `${COMPROMISED_WORKER_PRELUDE}
    let started = false;
    addEventListener('message', ({ data: message }) => {
      if (started) { (${answer})(message); return; }
      started = true;
      postMessage(frame(ready({ networkRemoved: true, storageRemoved: true, sharedMemory: false })));
    });`;

  /** Runs `print(1)` with package A in a client whose worker is `script`: the run's error, or 'ran'. */
  const runWith = (script: string, withPackage = true): Promise<string> =>
    evaluateIn(
      browser.page,
      async (g: PageGlobals, [source, wheel, usePackage]) => {
        const location = `${g.sandboxPage.packageCache}files/${wheel.sha256}/${wheel.fileName}`;
        g.sandboxPage.packageFiles.set(location, new Uint8Array(wheel.bytes));
        const file = { ...wheel.file, path: location, fromCache: true };
        const client = g.sandboxPage.clientWithWorker(source);
        try {
          const result = await client.run('exec', 'print(1)', usePackage ? { packages: () => Promise.resolve([file]) } : {}).result;
          return result.error ? result.error.message : 'ran';
        } catch (error) {
          return String(error);
        } finally {
          client.dispose();
        }
      },
      [
        script,
        {
          sha256: A.sha256,
          fileName: A.fileName,
          bytes: [...A.bytes],
          file: {
            name: 'sandbox-demo-a',
            version: '1.0.0',
            fileName: A.fileName,
            sha256: A.sha256,
            depends: [],
            imports: [A.module],
            packageType: 'package',
            installDir: 'site',
          },
        },
        withPackage,
      ] as const,
    );

  it('an answer for another load stops the worker', async () => {
    const message = await runWith(worker(`(m) => postMessage({ type: 'packages-loaded', id: m.id + 1 })`));
    assert.match(message, /not a frame of the protocol/);
  });

  it('an answer whose error is not text stops the worker', async () => {
    const message = await runWith(worker(`(m) => postMessage({ type: 'packages-loaded', id: m.id, error: { toString: 1 } })`));
    assert.match(message, /not a frame of the protocol/);
  });

  it('an answer nobody asked for stops the worker', async () => {
    const message = await runWith(worker(`(m) => postMessage({ type: 'packages-loaded', id: m.id })`), false);
    assert.match(message, /not a frame of the protocol/);
  });

  it("the worker's reason for a failed load is its words, cleaned, in the run's error", async () => {
    const message = await runWith(worker(`(m) => postMessage({ type: 'packages-loaded', id: m.id, error: 'no room\\u001b[31m' })`));
    assert.match(message, /^the sandbox could not load sandbox-demo-a; the code did not run\. It reported: no room/);
    assert.doesNotMatch(message, /\u001b/);
  });

  it('a worker that says the packages loaded gets the run (the fixture itself works)', async () => {
    const message = await runWith(
      worker(`(m) => m.type === 'load-packages'
        ? postMessage({ type: 'packages-loaded', id: m.id })
        : postMessage(frame({ type: 'result', id: m.id, outcome: { truncated: false } }))`),
    );
    assert.equal(message, 'ran');
  });
});
