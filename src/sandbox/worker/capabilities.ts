/**
 * Leaves the worker's JavaScript with nothing to steal, before Pyodide loads. Python can reach
 * any function Pyodide can (through raw wasm memory, say), so instead of guarding those
 * functions one by one the worker removes what they could reach: Node's `process`, the network,
 * code from strings, V8's stack-trace hooks. Pyodide then runs as it runs in a browser worker,
 * fetching its files from bytes the relay handed over, and its imports pass the import guard.
 */
import { define, LANGUAGE_GLOBALS, pinStackTraceHooks, removeUnlisted } from './globals';
import { servingFetch, type ServedFiles } from './serving-fetch';

/**
 * The host globals Pyodide's browser build and this worker use, as Node has them. Everything
 * else goes: an allow-list, so that whatever a newer Node adds (sockets, storage, channels) is
 * gone too. What could lead to Node's message machinery goes as well: `console` (its streams
 * hold the thread's internal port to the relay), `structuredClone`, `performance` and `crypto`
 * (whose objects reach Node internals), and every class whose instances Node transfers by naming
 * a module for the receiving thread to load (`AbortSignal`, `DOMException`, `CryptoKey`, ...).
 * `console`, `performance` and `crypto` come back as stand-ins with only what Pyodide calls.
 */
const HOST_GLOBALS = [
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
  'atob', 'btoa', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
]; // prettier-ignore

const KEPT_GLOBALS = new Set<PropertyKey>([...LANGUAGE_GLOBALS, ...HOST_GLOBALS, Symbol.toStringTag]);

// Kept when this module loads, before any Python runs: later the prototypes may be Python's.
const { apply } = Reflect;
const { slice } = String.prototype;

/** Most of one console line that is passed on. */
const CONSOLE_LINE_CHARS = 4096;

/**
 * Most the console passes on in the worker's life: what Pyodide and Emscripten report there is
 * a few lines, and the thread's stderr is its process's (with `isolation: "worker"`, the
 * extension host's), which Python could otherwise fill for as long as it runs.
 */
const CONSOLE_TOTAL_CHARS = 64 * 1024;

/** One console argument as text; an object whose conversion throws is only named. */
function consoleText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A `console` whose every method writes its arguments as one line of text through `log`, up to
 * `CONSOLE_TOTAL_CHARS` in all, and holds nothing else: Pyodide and Emscripten report fatal
 * errors there. Its functions are plain ones (Emscripten binds them), and lead where any function does.
 */
function textConsole(log: (line: string) => void): object {
  let left = CONSOLE_TOTAL_CHARS;
  const write = Object.freeze((...args: unknown[]): void => {
    if (left <= 0) return;
    // A string whatever Python did to the prototypes, cut with the slice kept before it ran.
    const text = `${args.map(consoleText).join(' ')}`;
    const room = left < CONSOLE_LINE_CHARS ? left : CONSOLE_LINE_CHARS;
    const line = `${text.length > room ? (apply(slice, text, [0, room]) as string) : text}\n`;
    left -= line.length;
    log(left > 0 ? line : `${line}[the sandbox's console output past ${CONSOLE_TOTAL_CHARS} characters is dropped]\n`);
  });
  return Object.freeze(Object.fromEntries(['log', 'info', 'debug', 'warn', 'error', 'trace'].map((name) => [name, write])));
}

/**
 * Makes this thread look like a browser worker without Node's capabilities. Call before
 * importing Pyodide; afterwards `process` is gone from this thread's globals.
 * @param indexUrl Pyodide's folder as Pyodide sees it; becomes `location`, against which Pyodide resolves its files.
 * @param log where the console's lines go (the thread's stderr, kept out of reach).
 * @returns what `fetch` serves, by file name: empty until the caller fills it.
 */
export function removeNodeCapabilities(indexUrl: string, log: (line: string) => void): ServedFiles {
  const files: ServedFiles = new Map();
  // Bound before they go: a bound function does not hand out what it is bound to.
  const now = performance.now.bind(performance);
  const { timeOrigin } = performance;
  const getRandomValues = crypto.getRandomValues.bind(crypto);
  // Pyodide (and Emscripten) take `process` to mean Node, and would import node:fs,
  // node:child_process and the like: it goes with the rest.
  removeUnlisted(globalThis, KEPT_GLOBALS);
  define('console', textConsole(log));
  define('performance', Object.freeze({ now: Object.freeze(now), timeOrigin }));
  define('crypto', Object.freeze({ getRandomValues: Object.freeze(getRandomValues) }));
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
  pinStackTraceHooks();
  return files;
}
