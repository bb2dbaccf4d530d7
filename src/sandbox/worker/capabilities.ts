/**
 * Leaves the worker's JavaScript with nothing to steal, before Pyodide loads. Python can reach
 * any function Pyodide can (through raw wasm memory, say), so instead of guarding those
 * functions one by one the worker removes what they could reach: Node's `process`, the network,
 * code from strings, V8's stack-trace hooks. Pyodide then runs as it runs in a browser worker,
 * fetching its files from bytes the relay handed over, and its imports pass the import guard.
 */
/** The language's own globals (ECMAScript, and the proposals V8 ships). */
const LANGUAGE_GLOBALS = [
  'globalThis', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'Object', 'Function', 'Boolean', 'Symbol', 'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError',
  'SyntaxError', 'TypeError', 'URIError', 'SuppressedError', 'Number', 'BigInt', 'Math', 'Date', 'String', 'RegExp',
  'Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'WeakRef', 'FinalizationRegistry', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'JSON', 'Promise',
  'Proxy', 'Reflect', 'Intl', 'Iterator', 'DisposableStack', 'AsyncDisposableStack', 'WebAssembly',
]; // prettier-ignore

/**
 * The host globals Pyodide's browser build and this worker use. Everything else goes: an
 * allow-list, so that whatever a newer Node adds (sockets, storage, channels) is gone too.
 */
const HOST_GLOBALS = [
  'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'queueMicrotask', 'structuredClone', 'atob', 'btoa', 'performance', 'crypto', 'URL', 'URLSearchParams',
  'TextEncoder', 'TextDecoder', 'DOMException', 'Event', 'EventTarget', 'AbortController', 'AbortSignal',
  'Response', 'Headers', 'Request', 'ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
  'ReadableStreamDefaultController', 'ReadableByteStreamController', 'ReadableStreamBYOBRequest', 'WritableStream',
  'WritableStreamDefaultWriter', 'WritableStreamDefaultController', 'TransformStream', 'TransformStreamDefaultController',
  'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
  // Node's Response (undici) builds its body with these.
  'Buffer', 'Blob', 'FormData', 'File',
]; // prettier-ignore

const KEPT_GLOBALS = new Set<PropertyKey>([...LANGUAGE_GLOBALS, ...HOST_GLOBALS, Symbol.toStringTag]);

/**
 * Removes every global not on the lists. Node defines a few for good (undici's global
 * dispatcher, a network client, under a symbol): those are overwritten and frozen instead.
 */
function removeOtherGlobals(): void {
  for (const key of Reflect.ownKeys(globalThis)) {
    if (KEPT_GLOBALS.has(key)) continue;
    if (Reflect.deleteProperty(globalThis, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    if (descriptor && 'value' in descriptor && descriptor.writable)
      Object.defineProperty(globalThis, key, { value: undefined, writable: false });
  }
}

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
 * @param indexUrl Pyodide's folder; becomes `location`, against which Pyodide resolves its files.
 * @returns what `fetch` serves, by file name: empty until the caller fills it.
 */
export function removeNodeCapabilities(indexUrl: string): ServedFiles {
  const files: ServedFiles = new Map();
  // Taking `Response` loads Node's fetch implementation, which defines its globals now, so the
  // sweep below finds them. Pyodide (and Emscripten) take `process` to mean Node, and would
  // import node:fs, node:child_process and the like: it goes with the rest.
  const fetchFromFiles = servingFetch(files);
  removeOtherGlobals();
  define('fetch', fetchFromFiles);
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
