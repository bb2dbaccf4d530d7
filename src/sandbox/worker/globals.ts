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

/** Defines a global that cannot be changed or deleted afterwards. */
export function define(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}

/** V8 hands `Error.prepareStackTrace` call sites whose `getThis()` on a wasm frame is the instance. */
export function freezeStackTraceHooks(): void {
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  Object.defineProperty(Error, 'captureStackTrace', { value: Object.freeze(() => undefined), writable: false, configurable: false });
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
