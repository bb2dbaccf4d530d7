/**
 * Sandboxes in a browser (vscode.dev, github.dev, the VS Code server's web worker extension
 * host): a dedicated Worker per sandbox, started from the extension's own files. No `vscode`
 * and no Node import: the caller says how to read the extension's files.
 *
 * The worker is as hostile to the extension host as a sandbox process is to the client: the
 * only thing accepted from it is bytes, fed to the client's frame reader and validator, and the
 * checked answer to a package load. The extension host hands it every byte it loads (a run's
 * packages too, read from the package cache and checked), and with SharedArrayBuffer (a cross-origin-
 * isolated page) writes interrupts and input answers into shared memory, which it never reads.
 */
import { version as pyodideVersion } from 'pyodide/package.json';
import { sha256Hex } from '../../packages/sha256';
import { encodeFrame, MAX_FRAME_BYTES } from '../framing';
import type { BrowserStartMessage, BrowserWorkerConfig, Restrictions, RunMessage, WorkerAssets } from '../protocol';
import { fillsBuffer, inOwnBuffer } from '../shared/bytes';
import { epochMs } from '../shared/clock';
import { KeptPromise } from '../shared/kept-promise';
import { createInputBuffer, InputSlot } from '../shared/input-slot';
import { raiseInterrupt } from '../shared/interrupt';
import { snapshotFileName } from '../snapshot-name';
import type { Assessment, TransportFactory } from '../transport/transport';
import { sanitizeUntrusted } from '../untrusted-text';
import type { PackageCache } from '../shared/package-files';
import { PackageLoader } from '../shared/package-loader';

/** How a browser transport reads the extension's files: paths relative to the extension's folder, e.g. `dist/web/sandbox-worker.js`. */
export type ReadExtensionFile = (path: string) => Promise<Uint8Array>;

/** The slice of a browser's Worker the transport uses (the project compiles without the DOM library). */
interface BrowserWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  terminate(): void;
}

interface BrowserGlobals {
  Worker: new (url: string, options?: { name?: string }) => BrowserWorker;
  crossOriginIsolated?: boolean;
}

/** What every worker gets: its script (as a blob URL) and Pyodide's files, read once. */
interface Loaded {
  readonly scriptUrl: string;
  readonly assets: WorkerAssets;
  /** Pyodide's WebAssembly compiled here once, for every worker; undefined if that failed. */
  readonly module: Promise<WebAssembly.Module | undefined>;
}

/** A worker that has not answered by then never will (its script failed to load, say). */
const START_DEADLINE_MS = 120_000;

const NO_SHARED_MEMORY = 'this page is not cross-origin isolated, so the sandbox has no shared memory';

/** Whether this extension host can share memory with a worker. */
export function hasSharedMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as unknown as BrowserGlobals).crossOriginIsolated === true;
}

async function loadFiles(readFile: ReadExtensionFile): Promise<Loaded> {
  const read = async (path: string): Promise<Uint8Array> => inOwnBuffer(await readFile(path));
  const [script, wasm, stdlib, lock, nodeWorker] = await Promise.all([
    read('dist/web/sandbox-worker.js'),
    read('dist/pyodide/pyodide.asm.wasm'),
    read('dist/pyodide/python_stdlib.zip'),
    read('dist/pyodide/pyodide-lock.json'),
    read('dist/sandbox-worker.js'),
  ]);
  // The snapshot the build made is named after the worker code that prepared it (see snapshot-name.ts).
  const snapshot = await read(`dist/pyodide/${snapshotFileName(pyodideVersion, await sha256Hex(nodeWorker))}`).catch(() => undefined);
  const scriptUrl = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
  return {
    scriptUrl,
    assets: {
      'pyodide.asm.wasm': wasm,
      'python_stdlib.zip': stdlib,
      'pyodide-lock.json': lock,
      ...(snapshot ? { snapshot } : {}),
    },
    module: WebAssembly.compile(wasm).catch(() => undefined),
  };
}

/** Whether a message from the worker is what a frame may be: unshared bytes that fill their buffer, within the frame limit. */
function isFrameBytes(data: unknown): data is Uint8Array {
  return data instanceof Uint8Array && data.buffer instanceof ArrayBuffer && fillsBuffer(data) && data.byteLength <= MAX_FRAME_BYTES + 4;
}

function assess(restrictions: Restrictions): Assessment {
  const lockDown = restrictions.browser;
  if (!lockDown) return { refusal: 'the browser worker did not report its lock-down' };
  if (!restrictions.codeGenerationBlocked) return { refusal: 'the browser worker can still make code from strings' };
  if (!lockDown.networkRemoved) return { refusal: 'the browser worker still has a network API' };
  if (!lockDown.storageRemoved) return { refusal: 'the browser worker still has a storage API' };
  return { level: 'browser-worker' };
}

/** Posts the start message, with the compiled module when the worker can take it (same agent cluster), else without. */
function postStart(worker: BrowserWorker, message: BrowserStartMessage): void {
  try {
    worker.postMessage(message);
  } catch {
    worker.postMessage({ ...message, module: undefined });
  }
}

/**
 * Starts sandboxes as dedicated Workers. The files are read on the first start and kept.
 * @param read reads one of the extension's files (through `vscode.workspace.fs` in the extension).
 * @param packageCache where runs' packages are read from; without it, no run loads packages.
 */
export function browserTransports(read: ReadExtensionFile, packageCache?: PackageCache): TransportFactory {
  const loaded = new KeptPromise<Loaded>();
  return {
    start(start, events) {
      const shared = hasSharedMemory();
      const interruptFlag = shared ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
      const inputBuffer = shared ? createInputBuffer() : undefined;
      const input = inputBuffer && new InputSlot(inputBuffer);
      const requested = epochMs();
      let worker: BrowserWorker | undefined;
      let ended = false;
      let answered = false;
      let running: number | undefined;
      let stopRearming: () => void = () => undefined;
      const packages = new PackageLoader(packageCache, (message, transfer) => worker?.postMessage(message, transfer));
      const end = (description: string): void => {
        if (ended) return;
        ended = true;
        clearTimeout(deadline);
        stopRearming();
        packages.stop(description);
        worker?.terminate();
        events.exit({ description });
      };
      /** Loads the run's packages, then posts it; a failure to load is the run's result, and its code does not run. */
      const loadThenRun = async (message: RunMessage): Promise<void> => {
        const error = await packages.load(message.id, message.request.packages ?? []);
        if (ended || running !== message.id) return;
        if (error === undefined) {
          worker?.postMessage(message);
          return;
        }
        running = undefined;
        stopRearming();
        events.data(encodeFrame({ type: 'result', id: message.id, outcome: { truncated: false, packageError: error } }));
      };
      const deadline = setTimeout(() => {
        if (!answered) end(`the browser worker did not answer within ${START_DEADLINE_MS / 1000} s`);
      }, START_DEADLINE_MS);
      const config: BrowserWorkerConfig = {
        memoryLimitBytes: start.memoryLimitMb * 2 ** 20,
        inputEnabled: start.inputEnabled && shared,
        boot: start.boot,
        requested,
        ...(interruptFlag && inputBuffer ? { channels: { interrupt: interruptFlag.buffer as SharedArrayBuffer, input: inputBuffer } } : {}),
      };
      // Kept for every later start; a failed read is tried again by the next start.
      loaded
        .get(() => loadFiles(read))
        .then(
          async ({ scriptUrl, assets, module }) => {
            if (ended) return;
            const created = new (globalThis as unknown as BrowserGlobals).Worker(scriptUrl, { name: 'Python Sandbox' });
            worker = created;
            created.onmessage = ({ data }) => {
              if (ended) return;
              answered = true;
              // A frame is bytes and nothing else, in a buffer of its own (a small view could carry
              // a huge buffer along); besides frames, only the answer to a package load is taken. A
              // worker that sends anything more is stopped.
              if (isFrameBytes(data)) events.data(data);
              else if (!packages.answer(data)) end('the browser worker sent a message that is not a frame of the protocol');
            };
            created.onerror = () => end('the browser worker failed');
            const compiled = await module;
            if (!ended) postStart(created, { type: 'start', config, assets, ...(compiled ? { module: compiled } : {}) });
          },
          () => end("the browser worker's files could not be read"),
        );
      return {
        ...(shared ? {} : { cannotInterrupt: NO_SHARED_MEMORY }),
        send(message) {
          if (ended || !worker) return;
          switch (message.type) {
            case 'run':
              running = message.id;
              stopRearming();
              if (interruptFlag) Atomics.store(interruptFlag, 0, 0);
              if (message.request.packages?.length) void loadThenRun(message);
              else worker.postMessage(message);
              return;
            case 'variables':
              running = message.id;
              stopRearming();
              if (interruptFlag) Atomics.store(interruptFlag, 0, 0);
              worker.postMessage(message);
              return;
            case 'interrupt':
              if (!interruptFlag || !input || message.id !== running) return;
              input.expect();
              stopRearming();
              stopRearming = raiseInterrupt(interruptFlag, input, () => !ended && running === message.id);
              return;
            case 'input-reply':
              if (!input || message.id !== running) return;
              input.expect();
              input.answer(message.text);
              return;
          }
        },
        kill: () => end('the browser worker was stopped'),
      };
    },
    assess,
    // The worker knows no host paths; its text is only cleaned of control characters.
    sanitize: (text) => sanitizeUntrusted(text, []),
    // The transport reads packages through the cache, which holds its own files only.
    canRead: (file) => packageCache?.holds(file.path) === true,
  };
}
