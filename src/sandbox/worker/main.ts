/**
 * The Pyodide worker: loads Python once, locks it down, and runs one request at a time.
 * Runs are synchronous on purpose: output leaves through shared memory, interrupts arrive
 * through shared memory, so nothing has to wait for this thread's event loop.
 *
 * Start-up, in named steps: take what the thread needs from Node, remove Node's capabilities,
 * load Python (snapshot or plain boot), lock down the Python side, wire the streams.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import {
  isTagged,
  type AssetsMessage,
  type DisplayItem,
  type LoadPackagesMessage,
  type RunMessage,
  type RunOutcome,
  type WorkerAssets,
  type WorkerConfig,
  type WorkerMessage,
} from '../protocol';
import { InputSlot } from '../shared/input-slot';
import { OutputBufferWriter } from '../shared/output-buffer';
import { epochMs } from '../shared/clock';
import { codeGenerationBlocked } from '../shared/probes';
import { bootPyodide, importPyodide, SANDBOX_MODULES } from './boot';
import { removeNodeCapabilities } from './capabilities';
import { instantiateFrom } from './precompiled-wasm';
import { capWasmMemory, type MemoryCap } from './memory-cap';
import { OutputSink } from './output-sink';
import { loadPackages } from './packages';

// Step 1: what this thread keeps from Node: its port to the relay and its start-up data.
const config = workerData as WorkerConfig;
const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);

const workerStarted = epochMs();
const interruptFlag = new Int32Array(config.channels.interrupt, 0, 1);
const input = new InputSlot(config.channels.input);
const displayForwarded = new Int32Array(config.channels.display, 0, 1);
/** The run in progress, which an input request belongs to. */
let runningId = 0;

/** A function Python may call that leads nowhere else: no prototype, so no `.constructor`. */
function inert<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.setPrototypeOf(fn, null);
  return Object.freeze(fn);
}

/** The only JavaScript Python is given: what environment.py needs to sleep and read input, and display.py to send display data. */
function bridge(pyodide: PyodideAPI): object {
  return Object.freeze(
    Object.assign(Object.create(null) as object, {
      /** Parks the thread on the interrupt flag: no busy wait, and an interrupt ends it early. */
      sleep: inert((seconds: number): void => {
        const deadline = performance.now() + seconds * 1000;
        for (let left = seconds * 1000; left > 0; left = deadline - performance.now()) {
          Atomics.wait(interruptFlag, 0, 0, left);
          if (Atomics.load(interruptFlag, 0) !== 0) {
            pyodide.checkInterrupt();
            return;
          }
        }
      }),
      /** Asks the relay for a line; undefined (None) is end of input. */
      read_line: inert((prompt: string): string | undefined => {
        input.arm();
        post({ type: 'input-request', id: runningId, prompt: prompt.slice(0, 4096) });
        const answer = input.await();
        if (answer.kind === 'interrupted') pyodide.checkInterrupt();
        return answer.kind === 'line' ? answer.text : undefined;
      }),
      /** Sends display data (display.py's JSON list of items) and waits until the relay forwarded it. */
      display: inert((kind: string, items: string): void => {
        Atomics.store(displayForwarded, 0, 0);
        post({ type: 'display', id: runningId, kind: kind === 'result' ? 'result' : 'display', items: JSON.parse(items) as DisplayItem[] });
        // Output written from now on must not overtake the display on its way out.
        while (Atomics.load(displayForwarded, 0) === 0) Atomics.wait(displayForwarded, 0, 0);
      }),
    }),
  );
}

/** What the packages in Pyodide's lock file import: all downloaded on demand, none bundled. */
function optionalPackageImports(lock: Uint8Array): string[] {
  const parsed = JSON.parse(new TextDecoder().decode(lock)) as { packages: Record<string, { imports?: string[] }> };
  return Object.values(parsed.packages).flatMap((pkg) => pkg.imports ?? []);
}

/** Python bridges to JavaScript's globals and to Pyodide's API. */
const JS_BRIDGE_MODULES = ['js', 'pyodide_js'];

/**
 * Removes the Python -> JavaScript routes (they must exist when a snapshot is taken, so this
 * runs at every start), connects the Python side to this worker, and returns the runner's `run`.
 */
function lockDown(pyodide: PyodideAPI): PyCallable {
  for (const name of JS_BRIDGE_MODULES) pyodide.unregisterJsModule(name);
  pyodide.setStdin({ error: true });
  const environment = pyodide.pyimport(SANDBOX_MODULES.environment) as PyProxy & { install: PyCallable };
  const runner = pyodide.pyimport(SANDBOX_MODULES.runner) as PyProxy & { run: PyCallable };
  try {
    environment.install(bridge(pyodide), config.inputEnabled);
    return runner.run.copy() as PyCallable;
  } finally {
    environment.destroy();
    runner.destroy();
  }
}

/** Routes stdout and stderr into the output buffer through the per-run byte cap. */
function wireStreams(pyodide: PyodideAPI): OutputSink {
  const sink = new OutputSink(new OutputBufferWriter(config.channels.output, () => post({ type: 'drain' })));
  pyodide.setStdout(sink.writer('stdout'));
  pyodide.setStderr(sink.writer('stderr'));
  return sink;
}

/**
 * What an exception that escaped the runner means. A Python exception there is raised between
 * JavaScript and the runner's own handler (an interrupt that arrives as the call starts): an
 * ordinary result. Anything else is a fault of Pyodide itself, which is unusable after it.
 */
function escapedOutcome(pyodide: PyodideAPI, error: unknown): Omit<RunOutcome, 'truncated'> {
  if (error instanceof pyodide.ffi.PythonError) return { error: { type: error.type, message: '', frames: [] } };
  const detail = error instanceof Error ? error.message : String(error);
  return { error: { type: 'RuntimeError', message: `the Python runtime failed: ${detail}`, frames: [] }, recycle: 'runtime fault' };
}

function runOne(pyodide: PyodideAPI, run: PyCallable, sink: OutputSink, memory: MemoryCap, message: RunMessage): RunOutcome {
  const { request } = message;
  sink.begin(request);
  memory.reset();
  let outcome: Omit<RunOutcome, 'truncated'>;
  try {
    outcome = JSON.parse(
      run(request.mode, request.code, request.fresh, request.captureLastValue, request.displayLastValue) as string,
    ) as RunOutcome;
  } catch (error) {
    outcome = escapedOutcome(pyodide, error);
  }
  if (memory.reached && outcome.error?.type === 'MemoryError') {
    const limitMb = Math.round(config.memoryLimitBytes / 2 ** 20);
    outcome = {
      error: { ...outcome.error, message: `out of memory: the sandbox's ${limitMb} MiB limit was reached; the runtime was restarted` },
      recycle: 'memory limit reached',
    };
  }
  return { ...outcome, truncated: sink.truncated };
}

/** Pyodide's files, once the relay has read them (and compiled its WebAssembly). */
const assetsArrived = new Promise<AssetsMessage>((resolve) => port.once('message', (message: AssetsMessage) => resolve(message)));

/** What a boot needs beyond the worker's configuration: Pyodide's module, its files, the wasm compiled. */
async function bootInputs(): Promise<{
  loadPyodide: typeof LoadPyodide;
  assets: WorkerAssets;
  pyodideImported: number;
  assetsReceived: number;
  wasmReady: Promise<number>;
}> {
  const loadPyodide = await importPyodide(config.indexUrl);
  const pyodideImported = epochMs();
  const { assets, module } = await assetsArrived;
  const assetsReceived = epochMs();
  for (const [name, bytes] of Object.entries(assets)) if (name !== 'snapshot') served.set(name, bytes);
  return { loadPyodide, assets, pyodideImported, assetsReceived, wasmReady: instantiateFrom(module) };
}

async function makeSnapshot(): Promise<void> {
  const { loadPyodide, assets } = await bootInputs();
  const { pyodide } = await bootPyodide({
    loadPyodide,
    indexUrl: config.indexUrl,
    mode: 'make-snapshot',
    optionalPackages: optionalPackageImports(assets['pyodide-lock.json']),
  });
  const bytes = pyodide.makeMemorySnapshot();
  port.postMessage({ type: 'snapshot', bytes } satisfies WorkerMessage, [bytes.buffer as ArrayBuffer]);
}

async function serve(): Promise<void> {
  const started = performance.now();
  const memory = capWasmMemory(config.memoryLimitBytes);
  // Step 3: load Python.
  const { loadPyodide, assets, pyodideImported, assetsReceived, wasmReady } = await bootInputs();
  const booted = await bootPyodide({
    loadPyodide,
    indexUrl: config.indexUrl,
    mode: config.boot === 'make-snapshot' ? 'plain' : config.boot,
    snapshot: assets.snapshot,
    optionalPackages: optionalPackageImports(assets['pyodide-lock.json']),
  });
  const pythonReady = epochMs();
  const { pyodide } = booted;
  // Step 4: lock down the Python side and wire its streams.
  const sink = wireStreams(pyodide);
  const run = lockDown(pyodide);
  pyodide.setInterruptBuffer(interruptFlag);
  // A JavaScript error's stack names the extension's files: host paths, which Python must not see.
  Error.stackTraceLimit = 0;

  port.on('message', (message: unknown) => {
    if (isTagged(message) && message.type === 'load-packages') {
      const load = message as LoadPackagesMessage;
      void loadPackages(pyodide, served, load).then((error) => post({ type: 'packages-loaded', id: load.id, ...(error ? { error } : {}) }));
      return;
    }
    if (!isTagged(message) || message.type !== 'run') return;
    const runMessage = message as RunMessage;
    runningId = runMessage.id;
    post({ type: 'result', id: runMessage.id, outcome: runOne(pyodide, run, sink, memory, runMessage) });
  });
  post({
    type: 'loaded',
    marks: {
      workerStarted,
      pyodideImported,
      assetsReceived,
      // Pyodide instantiated its module by now, unless it took another way (then no mark of its own).
      wasmReady: await Promise.race([wasmReady, Promise.resolve(pythonReady)]),
      pythonReady,
      lockedDown: epochMs(),
    },
    codeGenerationBlocked: codeGenerationBlocked(),
    runtime: {
      pythonVersion: pyodide.runPython('import sys; sys.version.split()[0]') as string,
      pyodideVersion: pyodide.version,
      boot: booted.boot,
      ...(booted.snapshotFallback ? { snapshotFallback: booted.snapshotFallback } : {}),
      loadMs: Math.round(performance.now() - started),
    },
  });
}

// Step 2: from here on the thread has no Node capability; every byte it loads is handed over.
const served = removeNodeCapabilities(config.indexUrl);
(config.boot === 'make-snapshot' ? makeSnapshot() : serve()).catch((error: unknown) => {
  post({ type: 'load-failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});
