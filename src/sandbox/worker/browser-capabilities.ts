/**
 * Leaves a browser Worker's JavaScript with nothing to steal, before Pyodide starts: the same
 * idea as `capabilities.ts` for Node. Python can reach any function Pyodide can, so the worker
 * keeps an allow-list of globals, on the global scope and on every prototype of its chain
 * (Chromium keeps `fetch`, `importScripts`, `indexedDB`, `caches`, `navigator` and the timers on
 * `WorkerGlobalScope.prototype`), removes every way to make code from strings (the routes to
 * `Function` through `.constructor`, `eval`, string timers), and serves `fetch` from bytes the
 * extension host handed over. `import()` is syntax and cannot be removed: the worker's own code
 * has none (the build rewrites Pyodide's), and without code from strings Python cannot write one.
 */
import type { BrowserRestrictions } from '../protocol';
import { define, pinStackTraceHooks, LANGUAGE_GLOBALS, removeUnlisted } from './globals';
import { servingFetch, type ServedFiles } from './serving-fetch';

/**
 * The host globals Pyodide's browser build and this worker use; the rest goes, whatever a newer
 * browser adds. `self` and `WorkerGlobalScope` are how Pyodide knows it runs in a worker.
 */
const HOST_GLOBALS = [
  'self', 'WorkerGlobalScope', 'DedicatedWorkerGlobalScope', 'console', 'setTimeout', 'clearTimeout', 'setInterval',
  'clearInterval', 'queueMicrotask', 'structuredClone', 'atob', 'btoa', 'performance', 'crypto', 'URL',
  'URLSearchParams', 'TextEncoder', 'TextDecoder', 'DOMException', 'Event', 'EventTarget', 'MessageEvent',
  'AbortController', 'AbortSignal', 'Response', 'Headers', 'Blob', 'ReadableStream', 'ReadableStreamDefaultReader',
  'ReadableStreamDefaultController', 'ReadableByteStreamController', 'ReadableStreamBYOBReader',
  'ReadableStreamBYOBRequest', 'WritableStream', 'WritableStreamDefaultWriter', 'WritableStreamDefaultController',
  'TransformStream', 'TransformStreamDefaultController', 'ByteLengthQueuingStrategy', 'CountQueuingStrategy',
]; // prettier-ignore

/** `eval` makes code from strings: of the language's globals, it alone goes. */
const KEPT_GLOBALS = new Set<PropertyKey>([
  ...LANGUAGE_GLOBALS.filter((name) => name !== 'eval'),
  ...HOST_GLOBALS,
  'constructor',
  Symbol.toStringTag,
]);

/** What must be gone afterwards; the worker checks, and the extension host refuses a worker where any is left. */
const NETWORK = [
  'XMLHttpRequest', 'WebSocket', 'WebSocketStream', 'EventSource', 'importScripts', 'Worker', 'SharedWorker',
  'WebTransport', 'RTCPeerConnection', 'RTCDataChannel', 'FontFace', 'fonts', 'Notification', 'navigator',
]; // prettier-ignore
const STORAGE = [
  'indexedDB', 'caches', 'navigator', 'BroadcastChannel', 'webkitRequestFileSystem', 'webkitRequestFileSystemSync',
  'webkitResolveLocalFileSystemURL', 'FileSystemHandle', 'FileSystemSyncAccessHandle', 'CacheStorage', 'IDBFactory',
  'StorageManager', 'CookieStore', 'cookieStore', 'FileReaderSync',
]; // prettier-ignore

/**
 * The global scope and its prototypes up to `EventTarget.prototype`, which every event target
 * shares and which reaches nothing (`addEventListener`, `dispatchEvent`).
 */
function scopeChain(): object[] {
  const chain: object[] = [];
  for (
    let scope: object | null = globalThis;
    scope && scope !== EventTarget.prototype;
    scope = Object.getPrototypeOf(scope) as object | null
  )
    chain.push(scope);
  return chain;
}

/** Stands in for every constructor that makes functions from strings. */
function refusedConstructor(name: string): () => never {
  const refuse = (): never => {
    throw new EvalError('the sandbox makes no code from strings');
  };
  Object.defineProperty(refuse, 'name', { value: name });
  Object.setPrototypeOf(refuse, null);
  return Object.freeze(refuse);
}

/**
 * Every function's `.constructor` leads to `Function` (or its async and generator kin), which
 * makes code from a string: those links are cut, and the global `Function` is a refusing
 * stand-in that keeps `Function.prototype`, so `instanceof Function` still works. Timers that
 * take a string run it as code: they take functions only.
 */
function removeCodeGeneration(): void {
  const kinds = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const kind of kinds) {
    const prototype = Object.getPrototypeOf(kind) as { constructor: { name: string } };
    const name = prototype.constructor.name;
    Object.defineProperty(prototype, 'constructor', { value: refusedConstructor(name), writable: false, configurable: false });
  }
  const prototype = Function.prototype;
  const refusedFunction = function Function(): never {
    throw new EvalError('the sandbox makes no code from strings');
  };
  Object.defineProperty(refusedFunction, 'prototype', { value: prototype, writable: false });
  define('Function', Object.freeze(refusedFunction));
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const timer = globalThis[name].bind(globalThis) as unknown as (handler: unknown, ms?: number, ...args: unknown[]) => number;
    for (const scope of scopeChain()) Reflect.deleteProperty(scope, name);
    define(name, (handler: unknown, ms?: number, ...args: unknown[]) => {
      if (typeof handler !== 'function') throw new TypeError(`${name} takes a function in the sandbox`);
      return timer(handler, ms, ...args);
    });
  }
}

/** Whether every route to code from strings that this worker had is closed. */
export function browserCodeGenerationBlocked(): boolean {
  const kinds = [function () {}, async function () {}, function* () {}, async function* () {}];
  const refused = (attempt: () => unknown): boolean => {
    try {
      attempt();
      return false;
    } catch {
      return true;
    }
  };
  return (
    kinds.every((kind) => refused(() => (kind.constructor as FunctionConstructor)('return 1'))) &&
    refused(() => (globalThis as { Function: FunctionConstructor }).Function('return 1')) &&
    (globalThis as { eval?: unknown }).eval === undefined &&
    refused(() => setTimeout('1' as unknown as () => void, 0))
  );
}

/** What the lock-down left of the network and storage, as the extension host's assessment reads it. */
export function probeBrowserLockDown(): Omit<BrowserRestrictions, 'sharedMemory'> {
  const gone = (names: readonly string[]): boolean => names.every((name) => (globalThis as Record<string, unknown>)[name] === undefined);
  return { networkRemoved: gone(NETWORK), storageRemoved: gone(STORAGE) };
}

/**
 * Makes this Worker a sandbox: no network, no storage, no code from strings, no stack-trace
 * hooks. Call before Pyodide is loaded, once the worker has what it keeps (its way to post
 * messages, its message listener).
 * @param indexUrl Pyodide's folder as Pyodide will see it; becomes `location`, so the worker's
 *   real URL (and origin) is not shown either.
 * @returns what `fetch` serves, by file name: empty until the caller fills it.
 */
export function removeBrowserCapabilities(indexUrl: string): ServedFiles {
  const files: ServedFiles = new Map();
  const fetchFromFiles = servingFetch(files);
  for (const scope of scopeChain()) removeUnlisted(scope, KEPT_GLOBALS);
  removeCodeGeneration();
  define('fetch', fetchFromFiles);
  define('location', new URL(indexUrl));
  pinStackTraceHooks();
  return files;
}
