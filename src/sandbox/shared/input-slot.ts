/**
 * A synchronous input() across threads: the worker parks on shared memory while the relay asks
 * whoever is outside (VS Code, the terminal) and writes the answer back.
 */

const STATE = 0;
const LENGTH = 1;
const HEADER_BYTES = 8;

const enum InputState {
  Waiting = 0,
  Answered = 1,
  EndOfInput = 2,
  Interrupted = 3,
}

/** What the worker got back: a line, end of input, or an interrupt while it waited. */
export type InputAnswer = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'eof' } | { readonly kind: 'interrupted' };

/** Allocates the shared buffer; answers longer than `capacity` bytes are cut. */
export function createInputBuffer(capacity = 1 << 16): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

/** Both ends of the input slot; the worker calls `arm` and `await`, the relay the others. */
export class InputSlot {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private pending = false;

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 2);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Worker: mark the slot empty; call before announcing the request. */
  arm(): void {
    Atomics.store(this.header, STATE, InputState.Waiting);
  }

  /** Worker: block until the relay answers (or interrupts). */
  await(): InputAnswer {
    while (Atomics.load(this.header, STATE) === InputState.Waiting) {
      Atomics.wait(this.header, STATE, InputState.Waiting);
    }
    switch (Atomics.load(this.header, STATE) as InputState) {
      case InputState.Answered:
        return { kind: 'line', text: new TextDecoder().decode(this.data.slice(0, Math.min(this.header[LENGTH], this.data.length))) };
      case InputState.Interrupted:
        return { kind: 'interrupted' };
      default:
        return { kind: 'eof' };
    }
  }

  /** Relay: a request was announced and not yet answered. */
  expect(): void {
    this.pending = true;
  }

  /** Relay: deliver the answer; `null` is end of input. */
  answer(text: string | null): void {
    if (!this.pending) return;
    if (text === null) {
      this.settle(InputState.EndOfInput);
      return;
    }
    // Browsers refuse to encode into shared memory: encode into a copy (cut at a character), then copy it over.
    const scratch = new Uint8Array(this.data.length);
    const written = new TextEncoder().encodeInto(text, scratch).written;
    this.data.set(scratch.subarray(0, written));
    Atomics.store(this.header, LENGTH, written);
    this.settle(InputState.Answered);
  }

  /** Relay: wake a waiting worker so it can raise KeyboardInterrupt. */
  interrupt(): void {
    if (this.pending) this.settle(InputState.Interrupted);
  }

  private settle(state: InputState): void {
    this.pending = false;
    Atomics.store(this.header, STATE, state);
    Atomics.notify(this.header, STATE);
  }
}
