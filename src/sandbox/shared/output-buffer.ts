import type { StreamName } from '../protocol';
import { concatBytes } from './bytes';

/**
 * Output from the worker to the relay through shared memory. The worker appends records
 * (`[stream u8][length u32][bytes]`) under a tiny lock; the relay takes them all on a timer and
 * when the worker says the buffer is full, which empties it. Writes cost a memcpy, not a
 * postMessage, so a flood of short lines stays cheap, and output still streams while Python is busy.
 * The worker may be compromised and keep the lock: the relay never waits on it for long (with
 * `isolation: "worker"` the relay is the extension host's thread).
 */

const LOCK = 0;
const LENGTH = 1;
const HEADER_BYTES = 8;
const RECORD_HEADER = 5;
const STREAM_CODES: readonly StreamName[] = ['stdout', 'stderr'];

/** Allocates the shared buffer, with room for `capacity` bytes of records. */
export function createOutputBuffer(capacity = 1 << 20): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

class BufferView {
  protected readonly header: Int32Array;
  protected readonly data: Uint8Array;
  protected readonly view: DataView;

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 2);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.view = new DataView(buffer, HEADER_BYTES);
  }

  protected lock(): void {
    // Both sides hold the lock only for a copy, so spinning beats parking the thread.
    while (Atomics.compareExchange(this.header, LOCK, 0, 1) !== 0) {
      /* spin */
    }
  }

  /** Takes the lock if it comes free within `ms`, spinning; false when it does not. */
  protected lockWithin(ms: number): boolean {
    const deadline = performance.now() + ms;
    while (Atomics.compareExchange(this.header, LOCK, 0, 1) !== 0) {
      if (performance.now() > deadline) return false;
    }
    return true;
  }

  protected unlock(): void {
    Atomics.store(this.header, LOCK, 0);
  }
}

/** The worker's end: appends output, waiting for the relay when the buffer is full. */
export class OutputBufferWriter extends BufferView {
  constructor(
    buffer: SharedArrayBuffer,
    private readonly onFull: () => void,
  ) {
    super(buffer);
  }

  write(stream: StreamName, bytes: Uint8Array): void {
    const code = STREAM_CODES.indexOf(stream);
    let offset = 0;
    while (offset < bytes.length) {
      this.lock();
      const used = this.header[LENGTH];
      const room = this.data.length - used - RECORD_HEADER;
      if (room > 0) {
        const n = Math.min(room, bytes.length - offset);
        this.data[used] = code;
        this.view.setUint32(used + 1, n);
        this.data.set(bytes.subarray(offset, offset + n), used + RECORD_HEADER);
        Atomics.store(this.header, LENGTH, used + RECORD_HEADER + n);
        offset += n;
        this.unlock();
      } else {
        this.unlock();
        this.onFull();
        Atomics.wait(this.header, LENGTH, used, 50);
      }
    }
  }
}

/** One drained piece of output, consecutive records of the same stream merged. */
export interface OutputChunk {
  readonly stream: StreamName;
  readonly bytes: Uint8Array;
}

/** How long the relay spins for the lock: a write holds it for one copy of at most the buffer's size. */
const READER_SPIN_MS = 1;

/** The relay's end: takes everything written so far and frees the space. */
export class OutputBufferReader extends BufferView {
  /**
   * Takes everything written so far; undefined when the worker holds the lock past a short spin
   * (a write in progress, or a worker that never lets go: the caller decides which by time).
   */
  drain(): OutputChunk[] | undefined {
    if (!this.lockWithin(READER_SPIN_MS)) return undefined;
    const used = this.header[LENGTH];
    const copy = this.data.slice(0, used);
    Atomics.store(this.header, LENGTH, 0);
    this.unlock();
    if (used === 0) return [];
    Atomics.notify(this.header, LENGTH);

    const chunks: OutputChunk[] = [];
    const view = new DataView(copy.buffer);
    // The lengths come from the worker, which may be compromised: subarray clamps them to the copy.
    let pos = 0;
    let current: { stream: StreamName; parts: Uint8Array[] } | undefined;
    while (pos + RECORD_HEADER <= used) {
      const stream = STREAM_CODES[copy[pos]] ?? 'stdout';
      const length = view.getUint32(pos + 1);
      const part = copy.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + length);
      pos += RECORD_HEADER + length;
      if (current?.stream !== stream) {
        if (current) chunks.push({ stream: current.stream, bytes: concatBytes(current.parts) });
        current = { stream, parts: [] };
      }
      current.parts.push(part);
    }
    if (current) chunks.push({ stream: current.stream, bytes: concatBytes(current.parts) });
    return chunks;
  }
}
