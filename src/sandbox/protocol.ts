/**
 * Every message of the runtime, as tagged unions (`type`); replies carry the `id` of their run.
 * Two legs: the client <-> the sandbox (frames on a pipe to the sandbox process, see framing.ts),
 * and the sandbox process's relay <-> the Pyodide worker (postMessage). The client trusts
 * nothing that comes back: validate.ts checks every message from the sandbox.
 */

/** `exec` runs statements and returns their output; `eval` returns `json.dumps(value)`. */
export type RunMode = 'exec' | 'eval';

/**
 * When an exec's final bare expression becomes display data: `none`; `rich`, only when it has
 * more than text/plain (the editor, whose inline value shows the repr); `all`, unless it is None
 * (notebooks, as Jupyter).
 */
export type LastValueDisplay = 'none' | 'rich' | 'all';

/** A stream the sandboxed code writes to. */
export type StreamName = 'stdout' | 'stderr';

/** What one run asks of the runtime. */
export interface RunRequest {
  readonly mode: RunMode;
  readonly code: string;
  /** Run in a new, empty namespace instead of the runtime's persistent one. */
  readonly fresh: boolean;
  /** Drop output in the worker instead of streaming it (used to measure output cost). */
  readonly discardOutput: boolean;
  /** For exec: evaluate a final bare expression separately and report its repr. */
  readonly captureLastValue: boolean;
  /** For exec: whether a final bare expression's value is sent as display data (`display` of kind `result`). */
  readonly displayLastValue: LastValueDisplay;
  /**
   * For exec: the run is notebook cell `[N]`, so its shown value is `Out[N]` and `_N` (IPython's
   * history). Without it the runtime counts its own runs.
   */
  readonly executionCount?: number;
  /** Output beyond this many bytes is dropped and the result says it was truncated. */
  readonly maxOutputBytes: number;
  /** Packages to load before the code runs (dependencies first); a failure to load any ends the run before its code. */
  readonly packages?: readonly PackageFile[];
}

/**
 * A package's verified file in the package cache, to load into the runtime: what Pyodide's lock
 * says of it, and where the sandbox process reads it (it may read the package cache folder).
 */
export interface PackageFile {
  /** Canonical (PEP 503) name. */
  readonly name: string;
  readonly version: string;
  /** A plain file name: the wheel's (or the shared-library zip's) name, which Pyodide reads tags from. */
  readonly fileName: string;
  /** Absolute path of the file in the package cache. */
  readonly path: string;
  /** Lower-case hex; the sandbox process checks the file against it before loading. */
  readonly sha256: string;
  /** Canonical names of the packages it needs: loaded before it, or already. */
  readonly depends: readonly string[];
  readonly imports: readonly string[];
  /** `package`, or `shared_library`. */
  readonly packageType: string;
  /** `site` or `dynlib`. */
  readonly installDir: string;
}

/** A traceback frame inside the submitted code. Lines are 1-based, columns 0-based. */
export interface TraceFrame {
  readonly line: number;
  readonly endLine?: number;
  readonly column?: number;
  readonly endColumn?: number;
  /** The function the frame ran in, `<module>` at top level. */
  readonly name: string;
}

/** A Python exception as a value: the contract's `TypeName: message`, plus where it happened. */
export interface PythonError {
  readonly type: string;
  readonly message: string;
  /** Outermost first; the last frame is where the exception was raised. */
  readonly frames: readonly TraceFrame[];
}

/** How a run ended inside the worker. Output travels separately, as `output` messages. */
export interface RunOutcome {
  /** `json.dumps` of the value, for a successful `eval`. */
  readonly value?: string;
  /**
   * The text of the last value an exec's code showed (its final bare expression), when
   * `captureLastValue` asked for it: as IPython shows it (its pretty printer) when the value is
   * also displayed (`displayLastValue` other than `none`), else its repr().
   */
  readonly lastValue?: string;
  readonly error?: PythonError;
  /** Output went past `maxOutputBytes` and the rest was dropped. */
  readonly truncated: boolean;
  /** The runtime must be replaced before the next run (e.g. after hitting the memory cap). */
  readonly recycle?: string;
  /** The run's packages could not be loaded (why); its code did not run. */
  readonly packageError?: string;
}

/** The restrictions the sandbox process found in force when it started (probed, not assumed). */
export interface Restrictions {
  /** Node's permission model is on. */
  readonly permissionModel: boolean;
  /** A host file outside the runtime's own assets could not be read. */
  readonly hostFilesDenied: boolean;
  /** Starting a child process is denied. */
  readonly childProcessDenied: boolean;
  /** `new Function('...')` threw: code generation from strings is off. */
  readonly codeGenerationBlocked: boolean;
  /** The process saw no environment variables. */
  readonly environmentEmpty: boolean;
  /** What a browser worker found after its lock-down (absent on Node). */
  readonly browser?: BrowserRestrictions;
}

/** A browser worker's own probes, made after it removed its capabilities and before Pyodide started. */
export interface BrowserRestrictions {
  /** No network API is left on the global scope or its prototypes: fetch, XMLHttpRequest, WebSocket, EventSource, importScripts, Worker, ... */
  readonly networkRemoved: boolean;
  /** No storage API is left: indexedDB, caches, navigator.storage, file systems, BroadcastChannel. */
  readonly storageRemoved: boolean;
  /** SharedArrayBuffer is there (cross-origin isolated): interrupts, input() and time.sleep work as on the desktop. */
  readonly sharedMemory: boolean;
}

/** `snapshot` restores the bundled memory snapshot (falling back to `plain`), `plain` boots Python. */
export type BootMode = 'snapshot' | 'plain';

/** Facts about the loaded runtime, reported once it is ready. */
export interface RuntimeInfo {
  readonly pythonVersion: string;
  readonly pyodideVersion: string;
  /** How Python's memory was set up: restored from the bundled snapshot, or a plain boot. */
  readonly boot: BootMode;
  /** Why the snapshot was not used, when it was not. */
  readonly snapshotFallback?: string;
  readonly loadMs: number;
  /** When each start-up step ended, as epoch milliseconds (`performance.timeOrigin + now()`), for the benchmark. */
  readonly startup?: StartupMarks;
}

/**
 * The steps on a sandbox's path to ready, in order; each mark is when that step ended. The relay
 * reads and compiles Pyodide's files while the worker starts: `assetsReceived` is when the
 * worker had them, which is later than `pyodideImported` only if it had to wait.
 */
export const STARTUP_STEPS = [
  'relayStarted',
  'workerStarted',
  'pyodideImported',
  'assetsReceived',
  'wasmReady',
  'pythonReady',
  'lockedDown',
] as const;

/** Epoch milliseconds at the end of each start-up step. */
export type StartupMarks = Readonly<Record<(typeof STARTUP_STEPS)[number], number>>;

// ---------------------------------------------------------------------------------------------
// Client -> sandbox (the relay passes `run` on to the worker)

/** Client -> sandbox -> worker: run code; answered by `output` messages and one `result`. */
export interface RunMessage {
  readonly type: 'run';
  readonly id: number;
  readonly request: RunRequest;
}

/** Client -> sandbox: raise KeyboardInterrupt in the run with this id, if it is running. */
export interface InterruptMessage {
  readonly type: 'interrupt';
  readonly id: number;
}

/** Client -> sandbox: the answer to an `input-request`; `null` means end of input (EOFError). */
export interface InputReplyMessage {
  readonly type: 'input-reply';
  readonly id: number;
  readonly text: string | null;
}

/** Everything the client sends the sandbox. */
export type ClientMessage = RunMessage | InterruptMessage | InputReplyMessage;

// ---------------------------------------------------------------------------------------------
// Sandbox -> client (untrusted: validate.ts checks each one)

/** Sandbox -> client: the runtime is loaded and these restrictions hold. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly restrictions: Restrictions;
  readonly runtime: RuntimeInfo;
}

/** Sandbox -> client: text the running code wrote, in the order written. */
export interface OutputMessage {
  readonly type: 'output';
  readonly id: number;
  readonly stream: StreamName;
  readonly text: string;
}

/** Sandbox -> client, worker -> relay: the run with this id has ended. */
export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly outcome: RunOutcome;
}

/** Sandbox -> client, worker -> relay: the running code called input(); reply with `input-reply`. */
export interface InputRequestMessage {
  readonly type: 'input-request';
  readonly id: number;
  readonly prompt: string;
}

/** Sandbox -> client: the sandbox could not start; the process exits after sending it. */
export interface FailedMessage {
  readonly type: 'failed';
  readonly message: string;
}

/** One representation of a displayed object. */
export interface DisplayItem {
  /** A MIME type without parameters, e.g. `image/png`. */
  readonly mime: string;
  /** The text itself, or the bytes in base64. */
  readonly data: string;
  readonly encoding: 'text' | 'base64';
}

/**
 * `display` for display() and plt.show(); `result` for a run's final expression (Jupyter's
 * execute_result); `update` replaces what was displayed with its `displayId` (update_display);
 * `clear` clears the run's output so far (clear_output), and has no items.
 */
export type DisplayKind = 'display' | 'result' | 'update' | 'clear';

/** An object shown as a MIME bundle: each item a representation of it, text/plain among them. */
export interface DisplayData {
  readonly kind: DisplayKind;
  readonly items: readonly DisplayItem[];
  /** display(obj, display_id=...): the id a later `update` names (Jupyter's transient display_id). */
  readonly displayId?: string;
  /** For `clear`: clear only when the next output arrives (clear_output(wait=True)). */
  readonly wait?: boolean;
}

/**
 * Sandbox -> client, worker -> relay: the running code displayed an object. It comes in order
 * with the output: the relay forwards the output written before it first, and the worker waits
 * until the relay has sent it before it writes more.
 */
export interface DisplayMessage extends DisplayData {
  readonly type: 'display';
  readonly id: number;
}

/** Everything the sandbox sends the client. */
export type SandboxMessage = ReadyMessage | OutputMessage | ResultMessage | InputRequestMessage | FailedMessage | DisplayMessage;

// ---------------------------------------------------------------------------------------------
// Worker -> relay

/** Worker -> relay: Pyodide is loaded and locked down; the relay adds its own start-up marks. */
export interface LoadedMessage {
  readonly type: 'loaded';
  readonly runtime: RuntimeInfo;
  readonly marks: Omit<StartupMarks, 'relayStarted'>;
  readonly codeGenerationBlocked: boolean;
}

/** Relay -> worker: every byte the worker loads, and Pyodide's WebAssembly already compiled. */
export interface AssetsMessage {
  readonly type: 'assets';
  readonly assets: WorkerAssets;
  /** Compiled while the worker started; absent when compiling failed (the worker compiles the bytes). */
  readonly module?: WebAssembly.Module;
}

/** Worker -> relay: the shared output buffer is full; drain it now. */
export interface DrainMessage {
  readonly type: 'drain';
}

/** Worker -> build script: a memory snapshot of a freshly booted runtime. */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly bytes: Uint8Array;
}

/** Worker -> relay: loading failed. */
export interface LoadFailedMessage {
  readonly type: 'load-failed';
  readonly message: string;
}

/** Relay -> worker: load these packages (their files' bytes, in the same order) before the run with this id. */
export interface LoadPackagesMessage {
  readonly type: 'load-packages';
  readonly id: number;
  readonly packages: readonly PackageFile[];
  readonly files: readonly Uint8Array[];
}

/** Worker -> relay: the packages of the run with this id are loaded, or why not. */
export interface PackagesLoadedMessage {
  readonly type: 'packages-loaded';
  readonly id: number;
  readonly error?: string;
}

/** Everything the worker sends the relay (or, for a snapshot, the build script). */
export type WorkerMessage =
  | LoadedMessage
  | ResultMessage
  | InputRequestMessage
  | DrainMessage
  | SnapshotMessage
  | LoadFailedMessage
  | DisplayMessage
  | PackagesLoadedMessage;

/** Shared memory the relay hands the worker at start; the relay writes, the worker waits on it. */
export interface WorkerChannels {
  /** Int32[0]: Pyodide's interrupt flag (2 = SIGINT). Also what an interruptible sleep waits on. */
  readonly interrupt: SharedArrayBuffer;
  /** The output buffer (see output-buffer.ts). */
  readonly output: SharedArrayBuffer;
  /** Int32[0]: input state, Int32[1]: byte length, then UTF-8 bytes of the answer. */
  readonly input: SharedArrayBuffer;
  /** Int32[0]: set to 1 by the relay once it has forwarded a `display` message the worker waits on. */
  readonly display: SharedArrayBuffer;
}

/**
 * Every byte the worker loads, handed over instead of read: the worker has no file system.
 * Keys are file names under Pyodide's index URL.
 */
export interface WorkerAssets {
  /** Left out when the compiled module comes along instead. */
  readonly 'pyodide.asm.wasm'?: Uint8Array;
  readonly 'python_stdlib.zip': Uint8Array;
  readonly 'pyodide-lock.json': Uint8Array;
  /** A memory snapshot to restore instead of booting Python. */
  readonly snapshot?: Uint8Array;
}

/** Start-up data for the worker (`workerData`); its files follow in an `assets` message. */
export interface WorkerConfig {
  readonly channels: WorkerChannels;
  /** URL of Pyodide's folder, ending in `/`. */
  readonly indexUrl: string;
  /** The exact module URLs the worker may import: its own script and Pyodide's two modules. */
  readonly allowedImports: readonly string[];
  readonly memoryLimitBytes: number;
  /** Whether a client answers input(); otherwise input() raises EOFError at once. */
  readonly inputEnabled: boolean;
  /** `make-snapshot` boots plainly and posts a snapshot instead of serving runs (build step). */
  readonly boot: BootMode | 'make-snapshot';
}

// ---------------------------------------------------------------------------------------------
// Extension host -> browser worker (the worker answers with frames of sandbox messages)

/** Shared memory a cross-origin-isolated extension host hands a browser worker: interrupts and input. */
export interface BrowserWorkerChannels {
  readonly interrupt: SharedArrayBuffer;
  readonly input: SharedArrayBuffer;
}

/** How a browser worker starts. */
export interface BrowserWorkerConfig {
  readonly memoryLimitBytes: number;
  /** Whether a client answers input(); it also needs `channels`. */
  readonly inputEnabled: boolean;
  readonly boot: BootMode;
  /** Absent when the extension host is not cross-origin isolated (no SharedArrayBuffer). */
  readonly channels?: BrowserWorkerChannels;
  /** When the extension host asked for the worker (epoch milliseconds): where its start-up marks begin. */
  readonly requested: number;
}

/** Extension host -> browser worker, first: its configuration and every byte it loads. Later messages are `run`s. */
export interface BrowserStartMessage {
  readonly type: 'start';
  readonly config: BrowserWorkerConfig;
  readonly assets: WorkerAssets;
  /** Pyodide's WebAssembly, compiled by the extension host while the worker started. */
  readonly module?: WebAssembly.Module;
}

/** True when `value` is an object whose `type` is a string: the minimum any message must be. */
export function isTagged(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
