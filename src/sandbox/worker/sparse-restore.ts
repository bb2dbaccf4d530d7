/**
 * Restores a memory snapshot without writing the pages where it holds only zeros. Pyodide
 * copies the whole snapshot into its fresh WebAssembly memory (`HEAP8.set(snapshot)`), which
 * makes every page of it resident, though half of them are zeros the fresh memory holds
 * already. For the time of the boot, the copy from the snapshot's buffer goes through here
 * instead: the pages the relay found to be zero (see process/zero-ranges.ts) are left alone,
 * unless something wrote to them before the restore (Emscripten's set-up does, in places), in
 * which case they are cleared, so the memory ends up exactly as Pyodide's copy would leave it.
 */

/** The page size the zero ranges are counted in. */
const PAGE_BYTES = 4096;
const PAGE_WORDS = PAGE_BYTES / 4;

/** Whether the words [start, end) of `words` are all zero (`end - start` a multiple of 8). */
function allZero(words: Int32Array, start: number, end: number): boolean {
  for (let i = start; i < end; i += 8) {
    if ((words[i] | words[i + 1] | words[i + 2] | words[i + 3] | words[i + 4] | words[i + 5] | words[i + 6] | words[i + 7]) !== 0)
      return false;
  }
  return true;
}

/** Clears the pages of [start, end) (bytes, page-aligned) of `target` that are not zero already; reading a page never written costs no memory. */
function clearDirtyPages(target: Int8Array, start: number, end: number): void {
  const words = new Int32Array(target.buffer, target.byteOffset + start, (end - start) / 4);
  for (let page = 0; page < words.length; page += PAGE_WORDS) {
    if (!allZero(words, page, page + PAGE_WORDS)) words.fill(0, page, page + PAGE_WORDS);
  }
}

/**
 * Copies `source` to the start of `target` as `target.set(source)` would, but for the pages of
 * `zeros` (byte ranges of `source`'s buffer that hold only zeros), which it only clears where
 * `target` is not zero.
 */
function copySparsely(
  set: Int8Array['set'],
  target: Int8Array,
  source: Uint8Array | Int8Array,
  snapshot: Uint8Array,
  zeros: readonly number[],
): void {
  // Where the copied part begins in the snapshot (Pyodide copies what follows its header).
  const shift = source.byteOffset - snapshot.byteOffset;
  let copied = 0;
  for (let i = 0; i < zeros.length; i += 2) {
    // In the target's terms, whole pages only.
    const start = Math.max(copied, Math.ceil((zeros[i] - shift) / PAGE_BYTES) * PAGE_BYTES);
    const end = Math.min(source.length, Math.floor((zeros[i + 1] - shift) / PAGE_BYTES) * PAGE_BYTES);
    if (end <= start) continue;
    set.call(target, source.subarray(copied, start), copied);
    clearDirtyPages(target, start, end);
    copied = end;
  }
  set.call(target, source.subarray(copied), copied);
}

/**
 * Runs `boot` with the copy of `snapshot` into WebAssembly memory made sparse. Any other
 * `set` in the meantime (and every one afterwards) is the usual one.
 * @param zeros byte ranges of the snapshot that hold only zeros ([start, end) pairs, in order).
 */
export async function restoringSparsely<T>(snapshot: Uint8Array, zeros: readonly number[], boot: () => Promise<T>): Promise<T> {
  const prototype = Int8Array.prototype;
  // `set` is %TypedArray%'s, inherited: shadowed here for Int8Array (Pyodide's HEAP8) only, and unshadowed after.
  const own = Object.getOwnPropertyDescriptor(prototype, 'set');
  const set = prototype.set;
  prototype.set = function (this: Int8Array, source: ArrayLike<number>, offset?: number): void {
    const restoring =
      (source instanceof Uint8Array || source instanceof Int8Array) &&
      source.buffer === snapshot.buffer &&
      !offset &&
      this.byteOffset === 0 &&
      this.length >= source.length;
    if (restoring) copySparsely(set, this, source, snapshot, zeros);
    else set.call(this, source, offset);
  } as Int8Array['set'];
  try {
    return await boot();
  } finally {
    if (own) Object.defineProperty(prototype, 'set', own);
    else delete (prototype as Partial<Int8Array>).set;
  }
}
