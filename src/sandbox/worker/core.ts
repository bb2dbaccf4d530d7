/**
 * The Pyodide worker's core, the same on every platform: loads Python once, locks it down, and
 * runs one request at a time. Runs are synchronous on purpose: output leaves through the
 * platform's writer, interrupts arrive through a flag Pyodide checks, so nothing has to wait for
 * this thread's event loop. The entries (`node-main.ts` for a Node worker thread,
 * `browser-main.ts` for a browser Worker) remove the platform's capabilities first and bring
 * what differs as a `WorkerHost`.
 *
 * Start-up, in named steps: the entry takes what the thread needs and removes the rest, then
 * the core loads Python (snapshot or plain boot), locks down the Python side, wires the streams.
 */
import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import {
  isTagged,
  type AssetsMessage,
  type BootMode,
  type DisplayItem,
  type DisplayKind,
  type DisplayMessage,
  type LoadPackagesMessage,
  type RunMessage,
  type RunOutcome,
  type VariablesAnswer,
  type VariablesMessage,
  type WorkerAssets,
  type WorkerMessage,
} from '../protocol';
import type { InputAnswer } from '../shared/input-slot';
import { epochMs } from '../shared/clock';
import { IDLE_COLLECT_MS, IdleCollector } from '../shared/idle-collector';
import { bootPyodide, SANDBOX_MODULES, type CreatePyodideModule } from './boot';
import type { ServedFiles } from './serving-fetch';
import { instantiateFrom } from './precompiled-wasm';
import { capWasmMemory, type MemoryCap } from './memory-cap';
import { inert } from './globals';
import { OutputSink, type OutputWriter } from './output-sink';
import { loadPackages } from './packages';
import { WorkspaceError, WorkspaceFiles, type EmscriptenFs } from './workspace';

/** How the core should start: the parts of the worker's configuration every platform has. */
export interface CoreConfig {
  /** URL of Pyodide's folder, ending in `/`: what Pyodide resolves its files against. */
  readonly indexUrl: string;
  readonly memoryLimitBytes: number;
  /** Whether a client answers input(); otherwise input() raises EOFError at once. */
  readonly inputEnabled: boolean;
  /** What the EOFError of input() says when input is not enabled; Python's default when absent. */
  readonly noInputReason?: string;
  /** `make-snapshot` boots plainly and posts a snapshot instead of serving runs (build step). */
  readonly boot: BootMode | 'make-snapshot';
}

/** What the core needs from the platform it runs on. */
export interface WorkerHost {
  readonly config: CoreConfig;
  /** When the thread started running its script (epoch milliseconds). */
  readonly started: number;
  /** Sends a message to whoever started this worker; `transfer` moves buffers instead of copying them. */
  post(message: WorkerMessage, transfer?: ArrayBuffer[]): void;
  /** Calls `handler` with every later message from whoever started this worker. */
  onMessage(handler: (message: unknown) => void): void;
  /** Pyodide's files (and its WebAssembly, compiled while the worker started), once handed over. */
  readonly assets: Promise<AssetsMessage>;
  /** Pyodide's module, and its Emscripten module when the entry has it already (no import at run time). */
  loadPyodideModule(): Promise<PyodideModule>;
  /** Bytes that the worker's `fetch` may serve, by file name: the core adds Pyodide's files. */
  readonly served: ServedFiles;
  /** Where stdout and stderr bytes go. */
  readonly output: OutputWriter;
  /** Pyodide's interrupt flag (Int32[0], 2 = SIGINT); time.sleep parks on it. */
  readonly interruptFlag: Int32Array;
  /** Asks whoever started the worker for a line of input and waits for it; absent when nobody can answer. */
  readonly readLine?: (prompt: string, runId: number) => InputAnswer;
  /**
   * Sends display data so that output written afterwards cannot overtake it (the Node relay
   * forwards it and the worker waits until it has; a browser worker sends it in its own order).
   */
  display(message: DisplayMessage): void;
  /** Called before the thread parks (time.sleep, input()): a last chance to send what is buffered. */
  beforeWait(): void;
  /** Whether JavaScript can no longer be made from strings here, by every route this platform has. */
  codeGenerationBlocked(): boolean;
  /** A full garbage collection of this thread, where the platform offers one (see IdleCollector). */
  readonly collectGarbage?: () => void;
  /** Leaves a buffer empty and its bytes to the next collection (see bufferDetacher). */
  readonly detach: (buffer: ArrayBuffer) => void;
}

/** Pyodide's `loadPyodide`, and the function that makes its Emscripten module when bundled. */
export interface PyodideModule {
  readonly loadPyodide: typeof LoadPyodide;
  readonly createPyodideModule?: CreatePyodideModule;
}

/**
 * Waits up to `ms` on the flag without spinning. Atomics.wait needs shared memory; a flag on
 * memory that is not shared (a browser without it) is watched in a loop instead.
 */
function park(flag: Int32Array, ms: number): void {
  try {
    Atomics.wait(flag, 0, 0, ms);
  } catch {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline && Atomics.load(flag, 0) === 0) {
      /* no shared memory to wait on */
    }
  }
}

const DISPLAY_KINDS: readonly DisplayKind[] = ['display', 'result', 'update', 'clear'];

/** The run in progress, which an input request belongs to. */
let runningId = 0;
/** A variables query is being answered: what reading a value does must not reach anyone (no input, no display). */
let inspecting = false;

/** The only JavaScript Python is given: what environment.py needs to sleep and read input, and display.py to send display data. */
function bridge(host: WorkerHost, pyodide: PyodideAPI): object {
  const { interruptFlag, readLine } = host;
  return Object.freeze(
    Object.assign(Object.create(null) as object, {
      /** Parks the thread on the interrupt flag: no busy wait, and an interrupt ends it early. */
      sleep: inert((seconds: number): void => {
        host.beforeWait();
        const deadline = performance.now() + seconds * 1000;
        for (let left = seconds * 1000; left > 0; left = deadline - performance.now()) {
          park(interruptFlag, left);
          if (Atomics.load(interruptFlag, 0) !== 0) {
            pyodide.checkInterrupt();
            return;
          }
        }
      }),
      /** Asks the relay for a line; undefined (None) is end of input. */
      read_line: inert((prompt: string): string | undefined => {
        if (!readLine || inspecting) return undefined;
        host.beforeWait();
        const answer = readLine(prompt.slice(0, 4096), runningId);
        if (answer.kind === 'interrupted') pyodide.checkInterrupt();
        return answer.kind === 'line' ? answer.text : undefined;
      }),
      /** Sends display data (display.py's kind, JSON list of items, display id and wait flag), in order with the output. */
      display: inert((kind: string, items: string, displayId?: string | null, wait?: boolean): void => {
        if (inspecting) return;
        host.display({
          type: 'display',
          id: runningId,
          kind: DISPLAY_KINDS.includes(kind as DisplayKind) ? (kind as DisplayKind) : 'display',
          items: JSON.parse(items) as DisplayItem[],
          ...(typeof displayId === 'string' ? { displayId } : {}),
          ...(wait ? { wait: true } : {}),
        });
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

/** The Python functions the worker calls: the runner's `run`, and the variables module's `answer`. */
interface PythonEntries {
  readonly run: PyCallable;
  readonly answer: PyCallable;
}

/**
 * Removes the Python -> JavaScript routes (they must exist when a snapshot is taken, so this
 * runs at every start), connects the Python side to this worker, and returns what it calls.
 */
function lockDown(host: WorkerHost, pyodide: PyodideAPI): PythonEntries {
  const { config } = host;
  for (const name of JS_BRIDGE_MODULES) pyodide.unregisterJsModule(name);
  pyodide.setStdin({ error: true });
  const environment = pyodide.pyimport(SANDBOX_MODULES.environment) as PyProxy & { install: PyCallable };
  const runner = pyodide.pyimport(SANDBOX_MODULES.runner) as PyProxy & { run: PyCallable };
  const variables = pyodide.pyimport(SANDBOX_MODULES.variables) as PyProxy & { answer: PyCallable };
  try {
    environment.install(bridge(host, pyodide), config.inputEnabled && host.readLine !== undefined, config.noInputReason);
    return { run: runner.run.copy() as PyCallable, answer: variables.answer.copy() as PyCallable };
  } finally {
    environment.destroy();
    runner.destroy();
    variables.destroy();
  }
}

/** Routes stdout and stderr into the host's output through the per-run byte cap. */
function wireStreams(host: WorkerHost, pyodide: PyodideAPI): OutputSink {
  const sink = new OutputSink(host.output);
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

/** What the worker serves runs with, once Python is loaded. */
interface Runtime {
  readonly host: WorkerHost;
  readonly pyodide: PyodideAPI;
  readonly run: PyCallable;
  readonly sink: OutputSink;
  readonly memory: MemoryCap;
  readonly workspace: WorkspaceFiles;
}

/** A run's workspace or output file went wrong: the run's result, its code not run. */
function fileAccessError(error: unknown): RunOutcome {
  if (!(error instanceof WorkspaceError)) throw error;
  return { error: { type: 'FileAccessError', message: error.message, frames: [] }, truncated: false };
}

/** Serves one `run` message: the request's code in its workspace, or the bytes of an output file. */
function serveRun(runtime: Runtime, message: RunMessage): RunOutcome {
  const { request, id } = message;
  const { workspace } = runtime;
  try {
    if (request.readOutput) {
      workspace.readOutput(request.readOutput, (data) => runtime.host.post({ type: 'file-data', id, data }));
      return { truncated: false };
    }
    if (request.workspace) workspace.apply(request.workspace, message.files ?? []);
  } catch (error) {
    return fileAccessError(error);
  }
  if (!request.workspace) return runOne(runtime, message);
  const before = workspace.outputsBefore();
  return { ...runOne(runtime, message), ...workspace.outputsSince(before) };
}

function runOne({ host, pyodide, run, sink, memory, workspace }: Runtime, message: RunMessage): RunOutcome {
  const { request } = message;
  sink.begin(request);
  memory.reset();
  let outcome: Omit<RunOutcome, 'truncated'>;
  try {
    outcome = JSON.parse(
      run(
        request.mode,
        request.code,
        request.fresh,
        request.captureLastValue,
        request.displayLastValue,
        // undefined becomes None (null would be a JsNull).
        request.executionCount,
        workspace.notFoundHint,
        request.script?.path,
        request.script?.argv,
      ) as string,
    ) as RunOutcome;
  } catch (error) {
    outcome = escapedOutcome(pyodide, error);
  }
  if (memory.reached && outcome.error?.type === 'MemoryError') {
    const limitMb = Math.round(host.config.memoryLimitBytes / 2 ** 20);
    outcome = {
      error: { ...outcome.error, message: `out of memory: the sandbox's ${limitMb} MiB limit was reached; the runtime was restarted` },
      recycle: 'memory limit reached',
    };
  }
  return { ...outcome, truncated: sink.truncated };
}

/**
 * Answers a variables query between runs: the user's code that reading values calls writes
 * nowhere, asks nothing and displays nothing. A Python exception that escapes (an interrupt
 * between two values) is an answer that says so; memory at its cap replaces the runtime.
 */
function inspectOne(
  pyodide: PyodideAPI,
  answer: PyCallable,
  sink: OutputSink,
  memory: MemoryCap,
  message: VariablesMessage,
): VariablesAnswer {
  sink.begin({ maxOutputBytes: 0, discardOutput: true });
  memory.reset();
  inspecting = true;
  let found: VariablesAnswer;
  try {
    found = JSON.parse(answer(JSON.stringify(message.query)) as string) as VariablesAnswer;
  } catch (error) {
    const { recycle } = escapedOutcome(pyodide, error);
    found = { entries: [], total: 0, problem: 'reading the namespace was interrupted', ...(recycle ? { recycle } : {}) };
  } finally {
    inspecting = false;
  }
  return memory.reached
    ? { entries: [], total: 0, problem: "reading a value reached the sandbox's memory limit", recycle: 'memory limit reached' }
    : found;
}

/** What a boot needs beyond the worker's configuration: Pyodide's module, its files, the wasm compiled. */
async function bootInputs(host: WorkerHost): Promise<{
  pyodideModule: PyodideModule;
  assets: WorkerAssets;
  snapshotZeros: readonly number[] | undefined;
  pyodideImported: number;
  assetsReceived: number;
  wasmReady: Promise<number>;
}> {
  const pyodideModule = await host.loadPyodideModule();
  const pyodideImported = epochMs();
  const { assets, module, snapshotZeros } = await host.assets;
  const assetsReceived = epochMs();
  for (const [name, bytes] of Object.entries(assets)) if (name !== 'snapshot') host.served.set(name, bytes);
  // Pyodide fetches its WebAssembly before instantiating it; with the compiled module at hand the
  // bytes are never read, and were not sent.
  if (module && !assets['pyodide.asm.wasm']) host.served.set('pyodide.asm.wasm', new Uint8Array(0));
  return { pyodideModule, assets, snapshotZeros, pyodideImported, assetsReceived, wasmReady: instantiateFrom(module) };
}

/** The start-up files whose bytes Pyodide copied: its WebAssembly memory holds the snapshot, its file system the standard library. */
const COPIED_AT_START = ['snapshot', 'pyodide.asm.wasm', 'python_stdlib.zip'] as const;

/**
 * Lets go of the start-up bytes Pyodide holds a copy of, 40 MB that would otherwise stay for the
 * runtime's life: the entry's message and Pyodide's configuration keep references to them, so
 * their buffers are detached. The served files keep their names, so that no package file can be
 * served in their place.
 */
function releaseStartupBytes(host: WorkerHost, assets: WorkerAssets): void {
  for (const name of COPIED_AT_START) {
    const bytes = assets[name];
    if (!bytes || bytes.byteLength === 0) continue;
    try {
      host.detach(bytes.buffer as ArrayBuffer);
    } catch {
      // Not transferable here: it stays, and only costs memory.
    }
    if (host.served.has(name)) host.served.set(name, new Uint8Array(0));
  }
}

async function makeSnapshot(host: WorkerHost): Promise<void> {
  const { pyodideModule, assets } = await bootInputs(host);
  const { pyodide } = await bootPyodide({
    ...pyodideModule,
    indexUrl: host.config.indexUrl,
    mode: 'make-snapshot',
    optionalPackages: optionalPackageImports(assets['pyodide-lock.json']),
  });
  const bytes = pyodide.makeMemorySnapshot();
  host.post({ type: 'snapshot', bytes }, [bytes.buffer as ArrayBuffer]);
}

async function serve(host: WorkerHost): Promise<void> {
  const { config } = host;
  const started = performance.now();
  const memory = capWasmMemory(config.memoryLimitBytes);
  // Load Python.
  const { pyodideModule, assets, snapshotZeros, pyodideImported, assetsReceived, wasmReady } = await bootInputs(host);
  const booted = await bootPyodide({
    ...pyodideModule,
    indexUrl: config.indexUrl,
    mode: config.boot === 'make-snapshot' ? 'plain' : config.boot,
    snapshot: assets.snapshot,
    snapshotZeros,
    optionalPackages: optionalPackageImports(assets['pyodide-lock.json']),
  });
  const pythonReady = epochMs();
  const { pyodide } = booted;
  releaseStartupBytes(host, assets);
  const collector = new IdleCollector(host.collectGarbage, IDLE_COLLECT_MS);
  // Lock down the Python side and wire its streams.
  const sink = wireStreams(host, pyodide);
  const { run, answer } = lockDown(host, pyodide);
  const runtime: Runtime = { host, pyodide, run, sink, memory, workspace: new WorkspaceFiles(pyodide.FS as unknown as EmscriptenFs) };
  pyodide.setInterruptBuffer(host.interruptFlag);
  // Stacks show no frames (globals.ts pins that): capturing them would cost every error for nothing.
  Error.stackTraceLimit = 0;

  host.onMessage((message: unknown) => {
    if (isTagged(message) && message.type === 'load-packages') {
      const load = message as LoadPackagesMessage;
      void loadPackages(pyodide, host.served, load).then((error) => {
        host.post({ type: 'packages-loaded', id: load.id, ...(error ? { error } : {}) });
        collector.touch();
      });
      return;
    }
    if (isTagged(message) && message.type === 'variables') {
      const query = message as VariablesMessage;
      runningId = query.id;
      host.post({ type: 'variables-result', id: query.id, answer: inspectOne(pyodide, answer, sink, memory, query) });
      return;
    }
    if (!isTagged(message) || message.type !== 'run') return;
    const runMessage = message as RunMessage;
    runningId = runMessage.id;
    host.post({ type: 'result', id: runMessage.id, outcome: serveRun(runtime, runMessage) });
    collector.touch();
  });
  host.post({
    type: 'loaded',
    marks: {
      workerStarted: host.started,
      pyodideImported,
      assetsReceived,
      // Pyodide instantiated its module by now, unless it took another way (then no mark of its own).
      wasmReady: await Promise.race([wasmReady, Promise.resolve(pythonReady)]),
      pythonReady,
      lockedDown: epochMs(),
    },
    codeGenerationBlocked: host.codeGenerationBlocked(),
    runtime: {
      pythonVersion: pyodide.runPython('import sys; sys.version.split()[0]') as string,
      pyodideVersion: pyodide.version,
      boot: booted.boot,
      ...(booted.snapshotFallback ? { snapshotFallback: booted.snapshotFallback } : {}),
      loadMs: Math.round(performance.now() - started),
    },
  });
  collector.touch();
}

/** Serves runs (or makes the build's snapshot) on the platform the entry describes; a failure to load is reported. */
export function runWorker(host: WorkerHost): void {
  (host.config.boot === 'make-snapshot' ? makeSnapshot(host) : serve(host)).catch((error: unknown) => {
    host.post({ type: 'load-failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
}
