import pidusage from 'pidusage';

/** Reading another process's memory is a file read on Linux, a `ps` or PowerShell call elsewhere. */
const INTERVAL_MS = process.platform === 'linux' ? 250 : 1000;

/** The CPU time (user and system) a process has used, in ms; undefined when it cannot be read (gone, not yet there). */
export function cpuTimeMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return Promise.resolve(undefined);
  // The memory watch's short history for the same process (see below).
  return new Promise((resolve) => pidusage(pid, { maxage: 5 * INTERVAL_MS }, (error, stats) => resolve(error ? undefined : stats.ctime)));
}

/**
 * Watches a process's resident memory from outside and calls `exceeded` once it passes `limitBytes`.
 * `pid` names the process, or undefined until it exists.
 * The sandbox process caps Python's heap itself, but whatever runs in it may be hostile, so the
 * cap on the whole process is kept by its parent.
 * @returns stops watching.
 */
export function watchMemory(pid: () => number | undefined, limitBytes: number, exceeded: (rssBytes: number) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    const watched = pid();
    // Not there yet (a wrapper still starting it): look again soon.
    if (watched === undefined) {
      timer = setTimeout(check, INTERVAL_MS);
      return;
    }
    // A short history: pidusage keeps an open /proc file per process until its entry expires.
    pidusage(watched, { maxage: 5 * INTERVAL_MS }, (error, stats) => {
      if (stopped) return;
      // A process that is gone (or not yet visible) is the exit handler's business.
      if (!error && stats.memory > limitBytes) {
        stopped = true;
        exceeded(stats.memory);
        return;
      }
      timer = setTimeout(check, INTERVAL_MS);
    });
  };
  check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
