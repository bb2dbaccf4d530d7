/**
 * The byte format of the channel between the client and the sandbox: each message is one frame,
 * a 4-byte big-endian length followed by that many bytes of UTF-8 JSON. No `vscode` and no Node
 * import: the same code reads frames from a sandbox process and from a browser worker.
 *
 * The client also sends the sandbox process raw frames: a length with its top bit set, then
 * that many bytes that are not JSON (the workspace files a run may read, which the process has
 * no other way to get). Only a reader made to take them does (the process's); the client's
 * reader refuses such a length as too long.
 *
 * The reading side assumes the writer is hostile. A frame's length is checked before its body is
 * buffered, a body must arrive soon after its header, and JSON is only parsed once a cheap scan
 * has bounded how many values it can create (15 MB of `[],` would otherwise cost ~150 MB).
 */

import { concatBytes } from './shared/bytes';
import { countJsonValues } from './shared/json-text';

const HEADER_BYTES = 4;
/** The top bit of a raw frame's length. */
const RAW_FLAG = 0x8000_0000;
/** Longest raw frame: the length's other 31 bits. */
export const MAX_RAW_FRAME_BYTES = RAW_FLAG - 1;

/** Largest frame either side sends: a display item (10 MiB, base64) or an eval value fits. */
export const MAX_FRAME_BYTES = 32 * 2 ** 20;

/** Most arrays, objects and elements one frame may hold; real messages hold a few hundred. */
export const MAX_FRAME_VALUES = 16_384;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes one message as a frame. */
export function encodeFrame(message: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(message));
  if (body.length > MAX_FRAME_BYTES)
    throw new RangeError(`a message of ${body.length} bytes exceeds the ${MAX_FRAME_BYTES}-byte frame limit`);
  const frame = new Uint8Array(HEADER_BYTES + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, HEADER_BYTES);
  return frame;
}

/** The header of a raw frame of `length` bytes; the bytes follow it as they are. */
export function encodeRawFrameHeader(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_RAW_FRAME_BYTES)
    throw new RangeError(`a raw frame of ${length} bytes exceeds the ${MAX_RAW_FRAME_BYTES}-byte limit`);
  const header = new Uint8Array(HEADER_BYTES);
  new DataView(header.buffer).setUint32(0, (length | RAW_FLAG) >>> 0);
  return header;
}

/** Why a stream of frames can no longer be trusted. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** Parses one frame body; throws FrameError for anything but bounded, well-formed JSON. */
export function parseFrameBody(body: Uint8Array, maxValues = MAX_FRAME_VALUES): unknown {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new FrameError('a frame is not valid UTF-8');
  }
  if (countJsonValues(text, maxValues) > maxValues) throw new FrameError(`a frame holds more than ${maxValues} values`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FrameError('a frame is not valid JSON');
  }
}

/** Chunks smaller than this are copied into buffers of this size (a pipe reads up to 64 KiB at once). */
const GATHER_BYTES = 64 * 1024;

/** What a reader takes besides JSON frames within the limits. */
export interface FrameReaderOptions {
  /** Most arrays, objects and elements one JSON frame may hold (default MAX_FRAME_VALUES). */
  readonly maxValues?: number;
  /** Take raw frames, as Uint8Arrays among the messages: only from a writer that is trusted. */
  readonly rawFrames?: boolean;
}

/**
 * Turns a byte stream into messages. Memory stays bounded by one frame: a length past the limit
 * is refused before any of its body is kept. After an error it accepts nothing more.
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private failed = false;
  /** The last chunk, when it is small chunks copied together into a buffer of ours with room to spare. */
  private gathered: Uint8Array | undefined;
  /** The raw frame being received: its bytes go straight into a buffer of its size. */
  private raw: { readonly bytes: Uint8Array; filled: number } | undefined;

  /** @param maxFrameBytes the largest JSON body accepted. */
  constructor(
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
    private readonly options: FrameReaderOptions = {},
  ) {}

  /** Whether part of a frame is waiting for the rest. */
  get partial(): boolean {
    return this.buffered > 0 || this.raw !== undefined;
  }

  /** Adds bytes; returns the messages they complete. Throws FrameError on a bad frame. */
  push(chunk: Uint8Array): unknown[] {
    if (this.failed) throw new FrameError('the stream already failed');
    const messages: unknown[] = [];
    const rest = this.raw ? this.fillRaw(chunk, messages) : chunk;
    this.append(rest);
    this.buffered += rest.length;
    try {
      for (let message = this.next(); message !== undefined; message = this.next()) messages.push(message.value);
    } catch (error) {
      this.failed = true;
      this.chunks = [];
      this.buffered = 0;
      throw error;
    }
    return messages;
  }

  /** Copies what `chunk` holds of the raw frame under way; returns the rest of it. */
  private fillRaw(chunk: Uint8Array, messages: unknown[]): Uint8Array {
    const raw = this.raw!;
    const n = Math.min(chunk.length, raw.bytes.length - raw.filled);
    raw.bytes.set(chunk.subarray(0, n), raw.filled);
    raw.filled += n;
    if (raw.filled === raw.bytes.length) {
      this.raw = undefined;
      messages.push(raw.bytes);
    }
    return chunk.subarray(n);
  }

  /** Starts a raw frame of `length` bytes with what is buffered; its value once complete. */
  private startRaw(length: number): { value: unknown } | undefined {
    this.take(HEADER_BYTES);
    const bytes = new Uint8Array(length);
    const available = Math.min(this.buffered, length);
    if (available > 0) bytes.set(this.take(available));
    if (available === length) return { value: bytes };
    this.raw = { bytes, filled: available };
    return undefined;
  }

  /**
   * Keeps a chunk. Small ones are copied together: a peer that writes a byte at a time would
   * otherwise leave an object per byte (hundreds of bytes each) until the frame deadline, and
   * a frame's worth of them is gigabytes.
   */
  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (chunk.length >= GATHER_BYTES) {
      this.chunks.push(chunk);
      return;
    }
    const last = this.gathered;
    if (
      last !== undefined &&
      this.chunks[this.chunks.length - 1] === last &&
      last.byteOffset + last.length + chunk.length <= GATHER_BYTES
    ) {
      const grown = new Uint8Array(last.buffer, last.byteOffset, last.length + chunk.length);
      grown.set(chunk, last.length);
      this.chunks[this.chunks.length - 1] = grown;
      this.gathered = grown;
      return;
    }
    const fresh = new Uint8Array(GATHER_BYTES);
    fresh.set(chunk);
    this.gathered = fresh.subarray(0, chunk.length);
    this.chunks.push(this.gathered);
  }

  private next(): { value: unknown } | undefined {
    if (this.buffered < HEADER_BYTES) return undefined;
    const head = this.peek(HEADER_BYTES);
    const length = new DataView(head.buffer, head.byteOffset, HEADER_BYTES).getUint32(0);
    if (this.options.rawFrames && (length & RAW_FLAG) !== 0) return this.startRaw((length & MAX_RAW_FRAME_BYTES) >>> 0);
    if (length > this.maxFrameBytes) throw new FrameError(`a frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`);
    if (this.buffered < HEADER_BYTES + length) return undefined;
    const frame = this.take(HEADER_BYTES + length);
    return { value: parseFrameBody(frame.subarray(HEADER_BYTES), this.options.maxValues) };
  }

  /** The first `n` buffered bytes, joined into one array when they span chunks. */
  private peek(n: number): Uint8Array {
    if (this.chunks[0].length < n) this.chunks = [concatBytes(this.chunks)];
    return this.chunks[0].subarray(0, n);
  }

  private take(n: number): Uint8Array {
    const head = this.peek(n);
    const first = this.chunks[0];
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return head;
  }
}

/**
 * The clock on a frame that was started and not finished: it runs from the frame's first byte,
 * so a trickle of bytes does not keep a frame alive. A working peer writes a frame at once.
 */
export class FrameDeadline {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param expired called once the deadline passes, with why. */
  constructor(
    private readonly ms: number,
    private readonly expired: (why: string) => void,
  ) {}

  /** After each push into `reader`, which completed `completed` frames. */
  update(reader: FrameReader, completed: number): void {
    if (!reader.partial || completed > 0) this.clear();
    if (reader.partial && this.timer === undefined) {
      this.timer = setTimeout(() => this.expired(`a frame was left unfinished for ${this.ms / 1000} s`), this.ms);
    }
  }

  /** Stops the clock, for good or until the next update. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
