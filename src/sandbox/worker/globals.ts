/** What both sandbox workers (Node, browser) keep of the language, and how they pin globals down. No imports. */

/** The language's own globals (ECMAScript, and the proposals V8 ships). */
export const LANGUAGE_GLOBALS = [
  'globalThis', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'Object', 'Function', 'Boolean', 'Symbol', 'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError',
  'SyntaxError', 'TypeError', 'URIError', 'SuppressedError', 'Number', 'BigInt', 'Math', 'Date', 'String', 'RegExp',
  'Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'WeakRef', 'FinalizationRegistry', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'JSON', 'Promise',
  'Proxy', 'Reflect', 'Intl', 'Iterator', 'DisposableStack', 'AsyncDisposableStack', 'WebAssembly',
]; // prettier-ignore

/** A function that leads nowhere else: no prototype, so no `.constructor`, and frozen. */
export function inert<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.setPrototypeOf(fn, null);
  return Object.freeze(fn);
}

/** Defines a global that cannot be changed or deleted afterwards. */
export function define(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}

/**
 * An error's stack as the worker shows it: the error's first line and no frames. Frames name
 * the scripts they ran in, and those are host paths (the extension's folder, under the user's
 * home) or the extension host's origin. `stackTraceLimit` cannot hide them for good: Pyodide
 * writes it (its PythonError raises it while constructing), so it must stay writable, and
 * Python reaches `Error` through any JavaScript error's prototype chain.
 */
const stackWithoutFrames = Object.freeze(function prepareStackTrace(error: unknown): string {
  try {
    const { name, message } = error as { name?: unknown; message?: unknown };
    const head = typeof name === 'string' && name ? name : 'Error';
    return typeof message === 'string' && message ? `${head}: ${message}` : head;
  } catch {
    return 'Error';
  }
});

/**
 * Pins V8's stack-trace hooks. `Error.prepareStackTrace` is handed call sites whose `getThis()`
 * on a wasm frame is the instance, and Node looks it up on `globalThis.Error` at every stack it
 * formats: so the hook is ours (it formats without frames, and hands nothing out), the property
 * is pinned, and so is the global `Error` binding, which would otherwise install a hook again by
 * being replaced. `Error` is the only error constructor Node consults (its own and the main
 * context's are the same object in a worker).
 */
export function pinStackTraceHooks(): void {
  Object.defineProperty(Error, 'prepareStackTrace', { value: stackWithoutFrames, writable: false, configurable: false });
  Object.defineProperty(Error, 'captureStackTrace', { value: Object.freeze(() => undefined), writable: false, configurable: false });
  define('Error', Error);
}

/**
 * Removes every property of `scope` whose key is not in `kept`. A property that cannot be
 * deleted (Node defines a few for good, such as undici's global dispatcher, a network client,
 * under a symbol) is overwritten with `undefined` and frozen instead.
 */
export function removeUnlisted(scope: object, kept: ReadonlySet<PropertyKey>): void {
  for (const key of Reflect.ownKeys(scope)) {
    if (kept.has(key)) continue;
    if (Reflect.deleteProperty(scope, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(scope, key);
    if (descriptor && 'value' in descriptor && descriptor.writable)
      Object.defineProperty(scope, key, { value: undefined, writable: false });
  }
}
