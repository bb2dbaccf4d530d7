/** Checks a thread makes of its own restrictions; shared by the sandbox process and its worker. */

/** True when `attempt` throws: the capability it exercises is denied. */
export function denied(attempt: () => unknown): boolean {
  try {
    attempt();
    return false;
  } catch {
    return true;
  }
}

/** Whether `new Function('...')` is refused here (`--disallow-code-generation-from-strings`). */
export function codeGenerationBlocked(): boolean {
  return denied(() => new Function('return 1'));
}
