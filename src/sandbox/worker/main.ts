/**
 * The Pyodide worker: loads Python once, locks it down, and runs one request at a time.
 * Runs are synchronous on purpose: output leaves through shared memory, interrupts arrive
 * through shared memory, so nothing has to wait for this thread's event loop.
 *
 * Start-up, in named steps: take what the thread needs from Node, remove Node's capabilities,
 * load Python (snapshot or plain boot), lock down the Python side, wire the streams.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PyodideAPI } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import { isTagged, type LoadPackagesMessage, type RunMessage, type RunOutcome, type WorkerConfig, type WorkerMessage } from '../protocol';
import environmentSource from '../python/environment.py';
import runnerSource from '../python/runner.py';
import { InputSlot } from '../shared/input-slot';
import { OutputBufferWriter } from '../shared/output-buffer';
import { codeGenerationBlocked } from '../shared/probes';
import { bootPyodide } from './boot';
import { DISABLED_BUILTIN_MODULES } from './builtin-modules';
import { removeNodeCapabilities, type ServedFiles } from './capabilities';
import { capWasmMemory, type MemoryCap } from './memory-cap';
import { OutputSink } from './output-sink';
import { loadPackages } from './packages';

// Step 1: what this thread keeps from Node: its port to the relay and its start-up data.
const config = workerData as WorkerConfig;
const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);

const interruptFlag = new Int32Array(config.channels.interrupt, 0, 1);
const input = new InputSlot(config.channels.input);
/** The run in progress, which an input request belongs to. */
let runningId = 0;

/** Python modules through which sandboxed code could reach JavaScript's globals or Pyodide's API. */
const JS_BRIDGE_MODULES = ['js', 'pyodide_js'];

/** A function Python may call that leads nowhere else: no prototype, so no `.constructor`. */
function inert<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.setPrototypeOf(fn, null);
  return Object.freeze(fn);
}

/** The only JavaScript Python is given: what environment.py needs to sleep and read input. */
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
    }),
  );
}

/** What the packages in Pyodide's lock file import: all downloaded on demand, none bundled. */
function optionalPackageImports(lock: Uint8Array): string[] {
  const parsed = JSON.parse(new TextDecoder().decode(lock)) as { packages: Record<string, { imports?: string[] }> };
  return Object.values(parsed.packages).flatMap((pkg) => pkg.imports ?? []);
}

/** Removes the Python -> JavaScript routes, installs the sandbox's environment, then the runner. */
function lockDown(pyodide: PyodideAPI): PyCallable {
  // environment.py also drops these (and pyodide_js._api) from sys.modules, where imports are cached.
  for (const name of JS_BRIDGE_MODULES) pyodide.unregisterJsModule(name);
  pyodide.setStdin({ error: true });
  const namespace = pyodide.globals.get('dict')() as PyProxy;
  namespace.set('bridge', bridge(pyodide));
  namespace.set('input_enabled', config.inputEnabled);
  namespace.set('disabled_modules', DISABLED_BUILTIN_MODULES.source);
  namespace.set('optional_packages', pyodide.toPy(optionalPackageImports(config.assets['pyodide-lock.json'])));
  pyodide.runPython(environmentSource, { globals: namespace, filename: '<sandbox-environment>' });
  pyodide.runPython(runnerSource, { globals: namespace, filename: '<sandbox-runner>' });
  return namespace.get('run') as PyCallable;
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
    outcome = JSON.parse(run(request.mode, request.code, request.fresh, request.captureLastValue) as string) as RunOutcome;
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

async function makeSnapshot(): Promise<void> {
  const { pyodide } = await bootPyodide({ indexUrl: config.indexUrl, mode: 'make-snapshot' });
  const bytes = pyodide.makeMemorySnapshot();
  port.postMessage({ type: 'snapshot', bytes } satisfies WorkerMessage, [bytes.buffer as ArrayBuffer]);
}

async function serve(served: ServedFiles): Promise<void> {
  const started = performance.now();
  const memory = capWasmMemory(config.memoryLimitBytes);
  // Step 3: load Python.
  const booted = await bootPyodide({
    indexUrl: config.indexUrl,
    mode: config.boot === 'make-snapshot' ? 'plain' : config.boot,
    snapshot: config.assets.snapshot,
  });
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

// Step 2: from here on the thread has no Node capability; every byte it loads was handed over.
const served = removeNodeCapabilities(config.assets, config.indexUrl);
(config.boot === 'make-snapshot' ? makeSnapshot() : serve(served)).catch((error: unknown) => {
  post({ type: 'load-failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});
