/**
 * A full garbage collection once a thread has been idle for a while. V8 frees a buffer's bytes
 * only when it collects the object that held them, and a thread that allocates little (the relay
 * after start-up, a worker after a small run) may not collect for minutes: the 30 MB snapshot
 * and the 10 MB of WebAssembly it no longer needs would stay resident all that time.
 */
export class IdleCollector {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param collect V8's `gc` (the sandbox process runs with `--expose-gc`); without it this does nothing.
   * @param delayMs how long the thread must have been idle.
   */
  constructor(
    private readonly collect: (() => void) | undefined,
    private readonly delayMs: number,
  ) {}

  /** The thread did something: collect once it has been idle for the delay from now. */
  touch(): void {
    const collect = this.collect;
    if (!collect) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => collect(), this.delayMs);
  }
}

/** How long a sandbox thread is idle before it collects: longer than the pauses between runs in a burst of them. */
export const IDLE_COLLECT_MS = 2000;

/**
 * Frees a buffer's bytes at this thread's next collection, by moving them into a clone that is
 * dropped at once (the buffer is left empty). Made with the thread's `structuredClone` as it is
 * when this is called: the Node worker's lock-down removes that global before Pyodide loads.
 */
export function bufferDetacher(): (buffer: ArrayBuffer) => void {
  const clone = structuredClone;
  return (buffer) => void clone(buffer, { transfer: [buffer] });
}

/** V8's `gc`, where this thread's V8 was started with `--expose-gc`. */
export function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}
