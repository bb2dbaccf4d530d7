/**
 * Leaves the worker's JavaScript with nothing to steal, before Pyodide loads. Python can reach
 * any function Pyodide can (through raw wasm memory, say), so instead of guarding those
 * functions one by one the worker removes what they could reach: Node's `process`, the network,
 * code from strings, V8's stack-trace hooks. Pyodide then runs as it runs in a browser worker,
 * fetching its files from bytes the relay handed over, and its imports pass the import guard.
 */
import { define, freezeStackTraceHooks, LANGUAGE_GLOBALS, removeUnlisted } from './globals';
import { servingFetch, type ServedFiles } from './serving-fetch';

/**
 * The host globals Pyodide's browser build and this worker use. Everything else goes: an
 * allow-list, so that whatever a newer Node adds (sockets, storage, channels) is gone too.
 */
const HOST_GLOBALS = [
  'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'queueMicrotask', 'structuredClone', 'atob', 'btoa', 'performance', 'crypto', 'URL', 'URLSearchParams',
  'TextEncoder', 'TextDecoder', 'DOMException', 'Event', 'EventTarget', 'AbortController', 'AbortSignal',
]; // prettier-ignore

const KEPT_GLOBALS = new Set<PropertyKey>([...LANGUAGE_GLOBALS, ...HOST_GLOBALS, Symbol.toStringTag]);

/**
 * Makes this thread look like a browser worker without Node's capabilities. Call before
 * importing Pyodide; afterwards `process` is gone from this thread's globals.
 * @param indexUrl Pyodide's folder; becomes `location`, against which Pyodide resolves its files.
 * @returns what `fetch` serves, by file name: empty until the caller fills it.
 */
export function removeNodeCapabilities(indexUrl: string): ServedFiles {
  const files: ServedFiles = new Map();
  // Pyodide (and Emscripten) take `process` to mean Node, and would import node:fs,
  // node:child_process and the like: it goes with the rest.
  removeUnlisted(globalThis, KEPT_GLOBALS);
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
