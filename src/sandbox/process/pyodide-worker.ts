/**
 * Starts the Pyodide worker thread: reads every file it needs and hands the bytes over, so that
 * the worker itself never needs a file system; installs the import guard for its thread; sets
 * its heap limits. Used by the sandbox process, by `worker` isolation, and by the snapshot build.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { version as pyodideVersion } from 'pyodide/package.json';
import { inOwnBuffer } from '../shared/bytes';
import { SANDBOX_PYODIDE_MODULES } from '../worker/sandbox-modules';
import { snapshotFileName } from '../snapshot-name';
import { zeroRanges } from './zero-ranges';
import type { AssetsMessage, BootMode, WorkerAssets, WorkerChannels, WorkerConfig } from '../protocol';

const WORKER_SCRIPT = 'sandbox-worker.js';
const IMPORT_GUARD_REGISTER = 'sandbox-import-guard-register.mjs';

/**
 * JavaScript heap of the worker: Pyodide's own objects. Python's heap is wasm memory, capped
 * apart. Its young generation is small: what the worker's JavaScript allocates while Python runs
 * (a view per write to stdout, a run's messages) dies young, and a young generation that grew to
 * 32 MB kept 6 MB more resident in an idle runtime, with no measurable gain in speed.
 */
export const WORKER_HEAP_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 4 };

/**
 * The bundled memory snapshot, named by what it depends on: the Pyodide version and the worker
 * code that prepares Python's memory before it is taken. A change to either makes the build
 * take a new one, and a runtime never restores a snapshot another worker made.
 */
export function snapshotPath(distDir: string): string {
  const worker = fs.readFileSync(path.join(distDir, WORKER_SCRIPT));
  return path.join(distDir, 'pyodide', snapshotFileName(pyodideVersion, createHash('sha256').update(worker).digest('hex')));
}

/** How to start a worker. */
export interface PyodideWorkerOptions {
  readonly distDir: string;
  readonly channels: WorkerChannels;
  readonly memoryLimitBytes: number;
  readonly inputEnabled: boolean;
  readonly boot: BootMode | 'make-snapshot';
  /**
   * Code generation from strings is allowed in this process (`isolation: "worker"`), so code
   * running in the worker could write an `import()` of its own: give the worker's thread the
   * import guard. Where it is blocked the worker holds no function that imports anything (the
   * Pyodide it loads had its `import()` calls rewritten), and the guard (a thread of its own,
   * ~170 ms of every start) buys nothing.
   */
  readonly importGuard: boolean;
}

/** A file's bytes in an ArrayBuffer of their own, so they can be transferred without a copy. */
function readOwned(file: string): Uint8Array {
  return inOwnBuffer(fs.readFileSync(file));
}

function readAssets(distDir: string, boot: PyodideWorkerOptions['boot']): Required<Pick<WorkerAssets, 'pyodide.asm.wasm'>> & WorkerAssets {
  const pyodideDir = path.join(distDir, 'pyodide');
  const snapshot = boot === 'snapshot' ? snapshotPath(distDir) : undefined;
  return {
    'pyodide.asm.wasm': readOwned(path.join(pyodideDir, 'pyodide.asm.wasm')),
    'python_stdlib.zip': readOwned(path.join(pyodideDir, 'python_stdlib.zip')),
    'pyodide-lock.json': readOwned(path.join(pyodideDir, 'pyodide-lock.json')),
    ...(snapshot && fs.existsSync(snapshot) ? { snapshot: readOwned(snapshot) } : {}),
  };
}

/**
 * Starts a Pyodide worker on the files in `distDir`. Its files are read, and Pyodide's
 * WebAssembly compiled, while the thread starts and imports Pyodide: they follow in a message.
 */
export function startPyodideWorker(options: PyodideWorkerOptions): Worker {
  const { distDir } = options;
  const script = path.join(distDir, WORKER_SCRIPT);
  const indexUrl = pathToFileURL(path.join(distDir, 'pyodide')).href + '/';
  const workerData: WorkerConfig = {
    channels: options.channels,
    indexUrl,
    allowedImports: [pathToFileURL(script).href, ...SANDBOX_PYODIDE_MODULES.map((file) => `${indexUrl}${file}`)],
    memoryLimitBytes: options.memoryLimitBytes,
    inputEnabled: options.inputEnabled,
    boot: options.boot,
  };
  const worker = new Worker(script, {
    workerData,
    execArgv: options.importGuard ? ['--import', pathToFileURL(path.join(distDir, IMPORT_GUARD_REGISTER)).href] : [],
    env: {},
    resourceLimits: WORKER_HEAP_LIMITS,
  });
  void sendAssets(worker, readAssets(distDir, options.boot));
  return worker;
}

/**
 * Compiles Pyodide's WebAssembly (on V8's compile threads) and hands it over with the files; its
 * 10 MB of bytes only go along when compiling failed and the worker must try itself.
 */
async function sendAssets(
  worker: Worker,
  { 'pyodide.asm.wasm': wasm, ...files }: Required<Pick<WorkerAssets, 'pyodide.asm.wasm'>> & WorkerAssets,
): Promise<void> {
  const compiling = WebAssembly.compile(wasm).catch(() => undefined);
  // On this thread while V8's compile threads work.
  const snapshotZeros = files.snapshot && zeroRanges(files.snapshot);
  const module = await compiling;
  const assets: WorkerAssets = module ? files : { ...files, 'pyodide.asm.wasm': wasm };
  const message: AssetsMessage = { type: 'assets', assets, ...(module ? { module } : {}), ...(snapshotZeros ? { snapshotZeros } : {}) };
  worker.postMessage(
    message,
    Object.values(assets).map((bytes: Uint8Array) => bytes.buffer as ArrayBuffer),
  );
}
