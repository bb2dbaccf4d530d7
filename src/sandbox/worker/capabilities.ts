/**
 * Leaves the worker's JavaScript with nothing to steal, before Pyodide loads. Python can reach
 * any function Pyodide can (through raw wasm memory, say), so instead of guarding those
 * functions one by one the worker removes what they could reach: Node's `process`, the network,
 * code from strings, V8's stack-trace hooks. Pyodide then runs as it runs in a browser worker,
 * fetching its files from bytes the relay handed over, and its imports pass the import guard.
 */
import type { WorkerAssets } from '../protocol';

/** Globals that reach the network or start threads, removed outright. */
const REMOVED_GLOBALS = ['WebSocket', 'EventSource', 'XMLHttpRequest', 'Worker', 'SharedWorker', 'BroadcastChannel', 'navigator'];

/** File name -> bytes of what `fetch` may serve; anything else is a network request and fails. */
export type ServedFiles = Map<string, Uint8Array>;

function define(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}

/** A `fetch` that answers from `files` by the URL's last path segment, and refuses the rest. */
function servingFetch(files: ServedFiles): typeof fetch {
  const Response_ = Response;
  return async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const bytes = files.get(url.slice(url.lastIndexOf('/') + 1));
    if (!bytes) throw new TypeError('the sandbox has no network');
    // Streaming compilation needs the wasm MIME type.
    const type = url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response_(bytes, { status: 200, headers: { 'content-type': type } });
  };
}

/** V8 hands `Error.prepareStackTrace` call sites whose `getThis()` on a wasm frame is the instance. */
function freezeStackTraceHooks(): void {
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  Object.defineProperty(Error, 'captureStackTrace', { value: Object.freeze(() => undefined), writable: false, configurable: false });
}

/**
 * Makes this thread look like a browser worker without Node's capabilities. Call before
 * importing Pyodide; afterwards `process` is gone from this thread's globals.
 * @param assets what `fetch` serves, by file name.
 * @param indexUrl Pyodide's folder; becomes `location`, against which Pyodide resolves its files.
 */
export function removeNodeCapabilities(assets: WorkerAssets, indexUrl: string): ServedFiles {
  const files: ServedFiles = new Map(Object.entries(assets).filter(([name]) => name !== 'snapshot'));
  const scope = globalThis as Record<string, unknown>;
  // Pyodide (and Emscripten) take "process.versions.node" to mean Node, and would import
  // node:fs, node:child_process and the like.
  delete scope.process;
  for (const name of REMOVED_GLOBALS) delete scope[name];
  define('fetch', servingFetch(files));
  define('importScripts', () => {
    throw new TypeError('importScripts is not available in the sandbox');
  });
  define('self', globalThis);
  define('location', new URL(indexUrl));
  // What Pyodide checks to decide it runs in a browser worker.
  define(
    'WorkerGlobalScope',
    class WorkerGlobalScope {
      static [Symbol.hasInstance](value: unknown): boolean {
        return value === globalThis;
      }
    },
  );
  freezeStackTraceHooks();
  return files;
}
