import { epochMs } from '../shared/clock';
import type { ServedResponse } from './serving-fetch';

type InstantiateStreaming = (
  source: ServedResponse | PromiseLike<ServedResponse>,
  imports?: WebAssembly.Imports,
) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;

/**
 * Answers Pyodide's `WebAssembly.instantiateStreaming` calls (for `pyodide.asm.wasm`, which the
 * worker's `fetch` serves as a plain object, not a `Response`, so the browser's own would
 * refuse it), with the module compiled while this worker started, or else by compiling the
 * served bytes. Every call: a plain boot after a failed snapshot restore loads Pyodide again.
 * @returns when Pyodide's first instance was made (epoch milliseconds), for the start-up marks.
 */
export function instantiateFrom(module: WebAssembly.Module | undefined): Promise<number> {
  return new Promise((resolve) => {
    const served: InstantiateStreaming = async (source, imports) => {
      const instantiated: WebAssembly.WebAssemblyInstantiatedSource = module
        ? { module, instance: await WebAssembly.instantiate(module, imports) }
        : await WebAssembly.instantiate(new Uint8Array(await (await source).arrayBuffer()), imports);
      resolve(epochMs());
      return instantiated;
    };
    WebAssembly.instantiateStreaming = served as unknown as typeof WebAssembly.instantiateStreaming;
  });
}
