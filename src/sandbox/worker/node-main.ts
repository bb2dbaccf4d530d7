/**
 * The Pyodide worker as a Node worker thread (in the sandbox process, or in the extension host
 * with `isolation: "worker"`). It keeps its port to the relay and its start-up data, removes
 * Node's capabilities, and hands the core a host whose output, interrupts and input travel
 * through the shared memory the relay owns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AssetsMessage, WorkerConfig, WorkerMessage } from '../protocol';
import { epochMs } from '../shared/clock';
import { bufferDetacher, exposedGc } from '../shared/idle-collector';
import { InputSlot } from '../shared/input-slot';
import { OutputBufferWriter } from '../shared/output-buffer';
import { codeGenerationBlocked } from '../shared/probes';
import { removeNodeCapabilities } from './capabilities';
import type { loadPyodide as LoadPyodide } from 'pyodide';
import type { CreatePyodideModule } from './boot';
import { runWorker, type PyodideModule } from './core';
import { SANDBOX_INDEX_URL, SANDBOX_PYODIDE_MODULES } from './sandbox-modules';

// What this thread keeps from Node, in this module's scope only: its port to the relay, its
// start-up data and its stderr (for the console's lines).
const config = workerData as WorkerConfig;
const port = parentPort!;
const stderr = process.stderr;
const started = epochMs();
// Kept before anything else runs here: later, `JSON` may be Python's.
const stringify = JSON.stringify;
const makingSnapshot = config.boot === 'make-snapshot';
/**
 * What this thread posts is JSON text, which carries no object: Node clones some objects (the
 * DOMException that `atob` throws is one) by having the receiving thread load the module they
 * name, before the relay sees the message. Only the build's snapshot goes as bytes: no Python
 * runs then.
 */
const post = (message: WorkerMessage, transfer?: ArrayBuffer[]): void => {
  if (makingSnapshot) return port.postMessage(message, transfer);
  const text = stringify(message);
  if (typeof text === 'string') port.postMessage(text);
};
const input = new InputSlot(config.channels.input);
/** Set to 1 by the relay once it has forwarded a display message. */
const displayForwarded = new Int32Array(config.channels.display, 0, 1);
/** Pyodide's files, once the relay has read them (and compiled its WebAssembly). */
const assets = new Promise<AssetsMessage>((resolve) => port.once('message', (message: AssetsMessage) => resolve(message)));
/** V8's `gc` (the sandbox process exposes it), kept before the lock-down removes it with every other unlisted global. */
const collectGarbage = exposedGc();
/** Kept before the lock-down too, which removes `structuredClone`. */
const detach = bufferDetacher();

/**
 * Imports Pyodide's two modules, from the copies the build made with every `import()` in them
 * turned into a refusal, so that nothing Python can reach imports anything. Imported at run
 * time rather than bundled: Node starts the thread faster that way, and they must only
 * evaluate once the worker looks like a browser worker.
 */
async function importPyodide(): Promise<PyodideModule> {
  const [api, asm] = (await Promise.all(SANDBOX_PYODIDE_MODULES.map((file) => import(`${config.indexUrl}${file}`)))) as [
    { loadPyodide: typeof LoadPyodide },
    { default: CreatePyodideModule },
  ];
  return { loadPyodide: api.loadPyodide, createPyodideModule: asm.default };
}

// From here on the thread has no Node capability; every byte it loads is handed over.
const served = removeNodeCapabilities(SANDBOX_INDEX_URL, (line) => void stderr.write(line));
runWorker({
  // Pyodide resolves its files against this and keeps it: not the host path they were imported from.
  config: { ...config, indexUrl: SANDBOX_INDEX_URL },
  started,
  post,
  onMessage: (handler) => port.on('message', handler),
  assets,
  loadPyodideModule: importPyodide,
  served,
  output: new OutputBufferWriter(config.channels.output, () => post({ type: 'drain' })),
  interruptFlag: new Int32Array(config.channels.interrupt, 0, 1),
  readLine: (prompt, id) => {
    input.arm();
    post({ type: 'input-request', id, prompt });
    return input.await();
  },
  display: (message) => {
    Atomics.store(displayForwarded, 0, 0);
    post(message);
    // Output written from now on must not overtake the display on its way out.
    while (Atomics.load(displayForwarded, 0) === 0) Atomics.wait(displayForwarded, 0, 0);
  },
  // The relay drains the shared output buffer on a timer of its own.
  beforeWait: () => undefined,
  codeGenerationBlocked,
  collectGarbage,
  detach,
});
