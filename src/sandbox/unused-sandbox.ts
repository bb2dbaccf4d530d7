/**
 * A sandbox that has run nothing holds no state (a prewarmed runtime, a fresh notebook's
 * kernel): keeping it costs a whole runtime's memory, and ending it costs one start when it is
 * next needed. No `vscode` import.
 */
import type { SandboxClient } from './client';
import type { Subscription } from './events';

/** How long a sandbox that has run nothing is kept: a prewarmed runtime not used by then was probably not needed. */
export const UNUSED_SANDBOX_MS = 5 * 60_000;

/**
 * Calls `end` once the client's sandbox has been ready for `ms` without having been asked to
 * run anything. Once it has been asked to (a run queued or running), it holds state (a
 * namespace, loaded packages) and `end` is never called for this client.
 * @returns what stops watching.
 */
export function whenUnused(client: SandboxClient, ms: number, end: () => void): Subscription {
  let used = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = (): void => {
    if (used) return;
    if (client.state === 'running' || client.queued > 0) {
      used = true;
      clearTimeout(timer);
      return;
    }
    if (client.state !== 'ready' || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!used && client.state === 'ready' && client.queued === 0) end();
    }, ms);
  };
  const subscription = client.onDidChangeState(watch);
  watch();
  return {
    dispose: () => {
      subscription.dispose();
      clearTimeout(timer);
    },
  };
}
