/**
 * `package_load_ms`: a fresh runtime loads a cached set of test wheels (20 packages, 2 MB, each
 * needing the one before) before its first result, next to Pyodide's own `loadPackage` of the
 * same files from a local folder. Each of Pyodide's loads runs in a fresh Node process too (in
 * one process, V8 keeps Pyodide's compiled code warm from one instance to the next), restored
 * from the sandbox's memory snapshot like a fresh sandbox is, or booted plainly: a plain boot
 * runs much of the interpreter, so the code a load needs is compiled before the load starts.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPyodide } from 'pyodide';
import { cacheRoot, createNodePackageManager } from '../src/packages/node';
import { packagePreparer } from '../src/packages/prepare';
import { createNodeClient } from '../src/sandbox/node-client';
import { snapshotPath } from '../src/sandbox/process/pyodide-worker';
import { benchmarkPackages, bundledLockInfo, generatePackageIndex, moduleName, writePackageFolder } from '../test/fixtures/package-index';

/** Milliseconds from asking to the first result, for the sandbox and for Pyodide alone. */
export interface PackageLoadTimes {
  readonly sandboxMs: number[];
  /** Pyodide restored from the sandbox's snapshot. */
  readonly pyodideMs: number[];
  /** Pyodide booted plainly. */
  readonly pyodideBootedMs: number[];
}

/** The argument that makes `dist/bench.js` time Pyodide's own load, for `pyodideInFreshProcess`. */
export const PYODIDE_LOAD_ARGUMENT = '--pyodide-package-load';

/** What the forked process is asked. */
interface BaselineRequest {
  readonly distDir: string;
  readonly folder: string;
  readonly name: string;
  readonly code: string;
  /** The sandbox's memory snapshot, to start as cold as a sandbox does; plainly booted without. */
  readonly snapshot?: string;
}

/** Times Pyodide's own loadPackage of `name` (and the import) in a fresh Node process running `dist/bench.js`. */
function pyodideInFreshProcess(request: BaselineRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(request.distDir, 'bench.js'), [PYODIDE_LOAD_ARGUMENT], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (ms: number) => resolve(ms));
    child.once('exit', (status) => reject(new Error(`the Pyodide baseline exited with ${status} before reporting`)));
    child.send(request);
  });
}

/** In the forked process: boots Pyodide on the folder's lock, then times loadPackage and the import, and reports. */
export function timePyodideLoad(): void {
  process.once('message', (request: BaselineRequest) => {
    void (async () => {
      const pyodide = await loadPyodide({
        indexURL: path.join(request.distDir, 'pyodide') + path.sep,
        lockFileURL: path.join(request.folder, 'pyodide-lock.json'),
        ...(request.snapshot ? { _loadSnapshot: fs.readFileSync(request.snapshot), jsglobals: Object.create(null) as object } : {}),
      });
      const started = performance.now();
      await pyodide.loadPackage(request.name, { messageCallback: () => undefined });
      pyodide.runPython(request.code);
      process.send?.(performance.now() - started, () => process.exit(0));
    })();
  });
}

/** Times `runs` fresh runtimes of each kind loading the benchmark set; the sandbox's from a warm cache. */
export async function packageLoadTimes(distDir: string, runs: number): Promise<PackageLoadTimes> {
  const specs = benchmarkPackages();
  const last = specs[specs.length - 1];
  const code = `import ${moduleName(last.name)}`;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-packages-'));
  try {
    const folder = path.join(root, 'index');
    writePackageFolder(generatePackageIndex({ info: bundledLockInfo(distDir), lock: specs, micropip: false }), folder);
    const cacheDir = path.join(root, 'cache');
    const manager = createNodePackageManager({ cacheDir, distDir, indexUrl: pathToFileURL(folder).href });
    await manager.fetch(await manager.plan({ code })); // warm the cache
    const sandboxMs: number[] = [];
    const pyodideMs: number[] = [];
    const pyodideBootedMs: number[] = [];
    const baseline = { distDir, folder, name: last.name, code };
    for (let i = 0; i < runs; i++) {
      const client = createNodeClient({ distDir, packageCacheDir: cacheRoot(cacheDir) });
      try {
        await client.start();
        const started = performance.now();
        const result = await client.run('exec', code, { packages: packagePreparer(manager, { code }) }).result;
        if (result.error) throw new Error(`the package load failed: ${result.error.message}`);
        sandboxMs.push(performance.now() - started);
      } finally {
        client.dispose();
      }
      pyodideMs.push(await pyodideInFreshProcess({ ...baseline, snapshot: snapshotPath(distDir) }));
      pyodideBootedMs.push(await pyodideInFreshProcess(baseline));
    }
    return { sandboxMs, pyodideMs, pyodideBootedMs };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
