/** How long interrupted code is given to stop before its sandbox is ended under it. No imports. */

/** However busy the machine, code that has not stopped this many grace periods after an interrupt is stopped with its sandbox. */
const GRACE_PERIODS_AT_MOST = 10;

/**
 * Gives interrupted code the grace period to stop, then calls `expired`. Where the sandbox's CPU
 * time can be read, the grace is counted in it: a sandbox that a busy machine has not run since
 * the interrupt has not ignored it, and ending it would lose its namespace and the code's
 * traceback for nothing. Never longer than GRACE_PERIODS_AT_MOST grace periods of wall-clock time.
 */
export class InterruptGrace {
  private timer: ReturnType<typeof setTimeout>;
  private cancelled = false;

  /**
   * @param cpuTimeMs the sandbox's CPU time so far, where it can be read from outside.
   */
  constructor(graceMs: number, cpuTimeMs: (() => Promise<number | undefined>) | undefined, expired: () => void) {
    const atInterrupt = cpuTimeMs?.();
    const deadline = performance.now() + graceMs * GRACE_PERIODS_AT_MOST;
    const check = async (): Promise<void> => {
      if (atInterrupt && cpuTimeMs && performance.now() < deadline) {
        const [before, now] = await Promise.all([atInterrupt, cpuTimeMs()]);
        if (this.cancelled) return;
        if (before !== undefined && now !== undefined && now - before < graceMs) {
          this.timer = setTimeout(() => void check(), graceMs / 4);
          return;
        }
      }
      if (!this.cancelled) expired();
    };
    this.timer = setTimeout(() => void check(), graceMs);
  }

  /** The code stopped, or the sandbox ended otherwise. */
  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
  }
}
