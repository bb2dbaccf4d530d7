/** Work on many items, a few at a time: downloads and size requests must not open a connection per package. */
import { throwIfCancelled } from './errors';

/**
 * Runs `work` on each item, at most `limit` at once, and resolves with the results in the items'
 * order. The first failure stops the rest (through the signal each gets) and is what rejects;
 * the caller's signal stops them all.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T, stop: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const stop = new AbortController();
  const cancel = (): void => stop.abort();
  signal?.addEventListener('abort', cancel, { once: true });
  const results: R[] = [];
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop.signal.aborted) {
      const i = next++;
      try {
        results[i] = await work(items[i], stop.signal);
      } catch (error) {
        failure ??= error;
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  if (failure !== undefined) throw failure;
  throwIfCancelled(signal);
  return results;
}
