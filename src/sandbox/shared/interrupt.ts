import type { InputSlot } from './input-slot';

/** Pyodide occasionally takes an interrupt without acting on it until the flag is set again. */
const REARM_MS = 250;
const REARM_TIMES = 4;
const SIGINT = 2;

/**
 * Raises KeyboardInterrupt in a worker through shared memory: sets Pyodide's interrupt flag,
 * wakes a time.sleep or an input() that waits, and sets the flag again a few times while
 * `stillRunning()` says the run goes on.
 * @returns stops setting it again.
 */
export function raiseInterrupt(flag: Int32Array, input: InputSlot, stillRunning: () => boolean): () => void {
  let times = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const raise = (): void => {
    if (!stillRunning()) return;
    Atomics.store(flag, 0, SIGINT);
    Atomics.notify(flag, 0);
    input.interrupt();
    if (++times <= REARM_TIMES) timer = setTimeout(raise, REARM_MS);
  };
  raise();
  return () => clearTimeout(timer);
}
