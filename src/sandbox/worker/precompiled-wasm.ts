import { epochMs } from '../shared/clock';
import type { ServedResponse } from './serving-fetch';

type InstantiateStreaming = (
  source: ServedResponse | PromiseLike<ServedResponse>,
  imports?: WebAssembly.Imports,
) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;

/**
 * Answers Pyodide's one `WebAssembly.instantiateStreaming` call (for `pyodide.asm.wasm`, which
 * the worker's `fetch` serves as a plain object, not a `Response`): with the module compiled
 * while this worker started, or else by compiling the served bytes.
 * @returns when Pyodide's instance was made (epoch milliseconds), for the start-up marks.
 */
export function instantiateFrom(module: WebAssembly.Module | undefined): Promise<number> {
  const original = WebAssembly.instantiateStreaming;
  return new Promise((resolve) => {
    const once: InstantiateStreaming = async (source, imports) => {
      WebAssembly.instantiateStreaming = original;
      const instantiated: WebAssembly.WebAssemblyInstantiatedSource = module
        ? { module, instance: await WebAssembly.instantiate(module, imports) }
        : await WebAssembly.instantiate(new Uint8Array(await (await source).arrayBuffer()), imports);
      resolve(epochMs());
      return instantiated;
    };
    WebAssembly.instantiateStreaming = once as unknown as typeof original;
  });
}
