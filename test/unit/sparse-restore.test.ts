import * as assert from 'node:assert/strict';
import { ZERO_PAGE_BYTES, zeroRanges } from '../../src/sandbox/process/zero-ranges';
import { restoringSparsely } from '../../src/sandbox/worker/sparse-restore';

const PAGE = ZERO_PAGE_BYTES;

/** A snapshot-like buffer: a header of `header` bytes, then pages that are zero or hold data, as `pages` says ('0' or 'x'). */
function snapshotOf(header: number, pages: string): Uint8Array {
  const bytes = new Uint8Array(header + pages.length * PAGE);
  bytes.fill(0xee, 0, header);
  [...pages].forEach((kind, i) => {
    if (kind === 'x') bytes.fill(i + 1, header + i * PAGE + 100, header + i * PAGE + 200);
  });
  return bytes;
}

/** The zero pages of `bytes`, found one by one. */
function zeroPagesByHand(bytes: Uint8Array): number[] {
  const found: number[] = [];
  for (let start = 0; start < bytes.length; start += PAGE) {
    if (bytes.subarray(start, start + PAGE).every((byte) => byte === 0)) found.push(start);
  }
  return found;
}

function pagesIn(ranges: readonly number[]): number[] {
  const pages: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) for (let page = ranges[i]; page < ranges[i + 1]; page += PAGE) pages.push(page);
  return pages;
}

describe('snapshot restore without its zero pages', () => {
  it('finds the runs of zero pages, to the page at their ends, and only zero pages', () => {
    // Runs that start and end inside 16-page blocks, one that reaches the end, and zero pages
    // alone inside a block of data (which are not looked for).
    const bytes = snapshotOf(0, `${'x'.repeat(20)}${'0'.repeat(37)}${'x'.repeat(3)}0x0${'x'.repeat(30)}${'0'.repeat(40)}`);
    const ranges = zeroRanges(bytes);
    const expected = [20 * PAGE, 57 * PAGE, 93 * PAGE, bytes.length];
    assert.deepEqual(ranges, expected);
    const byHand = new Set(zeroPagesByHand(bytes));
    for (const page of pagesIn(ranges)) assert.ok(byHand.has(page), `page at ${page} is not zero`);
  });

  it('finds nothing in bytes without a zero block, and everything in zeros', () => {
    assert.deepEqual(zeroRanges(snapshotOf(0, 'x0x0x0x')), []);
    const zeros = new Uint8Array(5 * PAGE + 10);
    assert.deepEqual(zeroRanges(zeros), [0, zeros.length]);
  });

  it('leaves memory exactly as a whole copy would, clearing pages written before the restore, and copies no zero run', async () => {
    const header = 1040; // Pyodide copies what follows its header: the pages do not line up with the file's.
    const snapshot = snapshotOf(header, `${'x'.repeat(5)}${'0'.repeat(40)}x${'0'.repeat(20)}xx`);
    const heap = snapshot.subarray(header);
    const memory = new Int8Array(heap.length + 3 * PAGE);
    // What Emscripten's set-up wrote before the restore: inside zero runs, and beyond the snapshot.
    memory.fill(5, 10 * PAGE + 7, 10 * PAGE + 9);
    memory.fill(6, 50 * PAGE, 51 * PAGE);
    memory.fill(7, heap.length + PAGE, heap.length + PAGE + 1);
    const expected = new Int8Array(memory);
    expected.set(heap);
    // Every copy into the memory, through the `set` all typed arrays inherit.
    const typedArray = Object.getPrototypeOf(Int8Array.prototype) as Int8Array;
    const inherited = typedArray.set;
    const copies: Array<[number, number]> = [];
    typedArray.set = function (this: Int8Array, source: ArrayLike<number>, offset = 0): void {
      if (this === memory) copies.push([offset, offset + source.length]);
      inherited.call(this, source, offset);
    };
    try {
      await restoringSparsely(snapshot, zeroRanges(snapshot), async () => memory.set(heap));
    } finally {
      typedArray.set = inherited;
    }
    assert.deepEqual(memory, expected);
    const copied = copies.reduce((sum, [start, end]) => sum + end - start, 0);
    assert.ok(copied <= 10 * PAGE, `${copied} bytes copied`);
    // Inside the runs: the pages at their ends straddle a page of the file that holds data, and are copied.
    for (const page of [8, 30, 43, 50, 60]) {
      assert.ok(!copies.some(([start, end]) => start < (page + 1) * PAGE && end > page * PAGE), `page ${page} was copied`);
    }
  });

  it('passes every other copy through, and leaves Int8Array as it found it', async () => {
    const snapshot = snapshotOf(0, 'x0000000000000000000000000000000x');
    const other = Uint8Array.of(1, 2, 3);
    const target = new Int8Array(8);
    await restoringSparsely(snapshot, zeroRanges(snapshot), async () => target.set(other, 2));
    assert.deepEqual([...target], [0, 0, 1, 2, 3, 0, 0, 0]);
    assert.equal(Object.getOwnPropertyDescriptor(Int8Array.prototype, 'set'), undefined);
    await assert.rejects(
      restoringSparsely(snapshot, [], async () => {
        throw new Error('boot failed');
      }),
      /boot failed/,
    );
    assert.equal(Object.getOwnPropertyDescriptor(Int8Array.prototype, 'set'), undefined);
  });
});
