/**
 * Caps WebAssembly memory. Worker `resourceLimits` do not cover wasm memory, and Pyodide grows
 * its heap from JavaScript, so refusing `grow` past the cap makes Python's allocator fail and
 * raise a clean MemoryError instead of taking gigabytes from the machine.
 */
export interface MemoryCap {
  /** Whether an allocation was refused since the last `reset`. */
  readonly reached: boolean;
  reset(): void;
}

const PAGE_BYTES = 65536;

/** Installs the cap for every `WebAssembly.Memory` in this thread; call before loading Pyodide. */
export function capWasmMemory(limitBytes: number): MemoryCap {
  const state = { reached: false };
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, deltaPages: number): number {
    if (this.buffer.byteLength + deltaPages * PAGE_BYTES > limitBytes) {
      state.reached = true;
      throw new RangeError(`WebAssembly memory limit of ${limitBytes} bytes reached`);
    }
    return grow.call(this, deltaPages);
  };
  return {
    get reached() {
      return state.reached;
    },
    reset() {
      state.reached = false;
    },
  };
}
