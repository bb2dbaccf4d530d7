/**
 * Where a memory snapshot holds only zeros. Half of Pyodide's snapshot is free heap (15 of its
 * 30 MiB, in a few long runs); a fresh WebAssembly memory is zero already, so the worker's
 * restore need not write those pages, and the pages it does not write cost no memory.
 * Measured here, in the relay, with Buffer's native compare while the worker starts, so that
 * the worker's start does not pay for reading the snapshot twice.
 */

/** The granularity of the ranges: the page size of every platform Node runs on (or a divisor of it). */
export const ZERO_PAGE_BYTES = 4096;

/** Whole blocks are compared first; only the pages at the ends of a run of zero blocks are compared one by one. */
const BLOCK_BYTES = 16 * ZERO_PAGE_BYTES;

/**
 * The byte ranges of `bytes` that hold only zeros, as `[start, end)` pairs in order, in pages
 * (the last may end with the bytes). Zero pages inside a block that is not all zero are not
 * looked for: almost every zero page of a snapshot lies in long runs.
 */
export function zeroRanges(bytes: Uint8Array): number[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zeros = Buffer.alloc(BLOCK_BYTES);
  const isZero = (start: number, end: number): boolean => zeros.compare(buffer, start, end, 0, end - start) === 0;
  const ranges: number[] = [];
  let start: number | undefined;
  const close = (end: number): void => {
    if (start === undefined) return;
    // Take in the zero pages at the end of the block before the run and at the start of the block after it.
    let from = start;
    while (from > 0 && (ranges.length === 0 || from > ranges[ranges.length - 1]) && isZero(from - ZERO_PAGE_BYTES, from))
      from -= ZERO_PAGE_BYTES;
    let to = end;
    while (to < buffer.length && isZero(to, Math.min(to + ZERO_PAGE_BYTES, buffer.length)))
      to = Math.min(to + ZERO_PAGE_BYTES, buffer.length);
    ranges.push(from, to);
    start = undefined;
  };
  for (let block = 0; block < buffer.length; block += BLOCK_BYTES) {
    const end = Math.min(block + BLOCK_BYTES, buffer.length);
    if (isZero(block, end)) start ??= block;
    else close(block);
  }
  close(buffer.length);
  return ranges;
}
