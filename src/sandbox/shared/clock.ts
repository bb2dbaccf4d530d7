/** Epoch milliseconds with sub-millisecond precision, comparable across threads and processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
