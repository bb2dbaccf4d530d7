/** The slice of the WebAssembly JS API the runtime uses (not in the ES or Node type libraries). */
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
  class Module {}
  class Instance {
    readonly exports: Record<string, unknown>;
  }
  type Imports = Record<string, Record<string, unknown>>;
  interface WebAssemblyInstantiatedSource {
    readonly module: Module;
    readonly instance: Instance;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
  function instantiate(bytes: Uint8Array, imports?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  let instantiateStreaming: (source: Response | PromiseLike<Response>, imports?: Imports) => Promise<WebAssemblyInstantiatedSource>;
}
