/** The slice of the WebAssembly JS API the memory cap uses (not in the ES or Node type libraries). */
declare namespace WebAssembly {
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
}
