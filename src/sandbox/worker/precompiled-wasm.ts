import { epochMs } from '../shared/clock';

type InstantiateStreaming = (
  source: Response | PromiseLike<Response>,
  imports?: WebAssembly.Imports,
) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;

/**
 * Lets Pyodide instantiate the module that was compiled while this worker started, instead of
 * compiling its bytes again. Pyodide 314 instantiates `pyodide.asm.wasm`, which the worker's
 * `fetch` serves as `application/wasm`, with `WebAssembly.instantiateStreaming`; that one call
 * is answered from `module`. Without a module Pyodide compiles as usual.
 * @returns when Pyodide's instance was made (epoch milliseconds), for the start-up marks.
 */
export function instantiateFrom(module: WebAssembly.Module | undefined): Promise<number> {
  const original = WebAssembly.instantiateStreaming as InstantiateStreaming;
  return new Promise((resolve) => {
    const once: InstantiateStreaming = async (source, imports) => {
      WebAssembly.instantiateStreaming = original;
      const response = await source;
      const instantiated: WebAssembly.WebAssemblyInstantiatedSource =
        module && response.headers.get('content-type') === 'application/wasm'
          ? { module, instance: await WebAssembly.instantiate(module, imports) }
          : await original(response, imports);
      resolve(epochMs());
      return instantiated;
    };
    WebAssembly.instantiateStreaming = once;
  });
}
