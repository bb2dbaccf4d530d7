/**
 * A browser worker's link to the extension host: it speaks the client's protocol itself, in
 * frames, since there is no relay process in a browser. It turns the core's messages into
 * sandbox messages and batches output: Python writes synchronously, and a message per write
 * would flood the extension host, while a busy worker runs no timers. A batch leaves when it is
 * large, when the last one left 20 ms ago or more, and whenever the thread is about to wait or a
 * run ends; output written in the 20 ms after a batch left can therefore wait for the next write.
 */
import { encodeFrame } from '../framing';
import type { PackagesLoadedMessage, Restrictions, SandboxMessage, StreamName, WorkerMessage } from '../protocol';
import type { OutputWriter } from './output-sink';

/** A batch leaves once it holds this many characters (well under a message's limit). */
const BATCH_CHARS = 64 * 1024;
/** ...or once this long has passed since the last batch left. */
const BATCH_MS = 20;

export class FrameLink implements OutputWriter {
  private readonly decoders = new Map<StreamName, InstanceType<typeof TextDecoder>>();
  private batch: Array<{ stream: StreamName; text: string }> = [];
  private batchChars = 0;
  private lastSent = 0;
  /** The run being served: output belongs to it. */
  running: number | undefined;

  /**
   * @param send posts one frame to the extension host, or the answer to a package load, which
   *   is for the extension host itself (it loads packages as the relay does on Node).
   * @param requested when the extension host asked for this worker (the first start-up mark).
   * @param restrictions what this worker's lock-down left, for the `ready` message.
   */
  constructor(
    private readonly send: (message: Uint8Array | PackagesLoadedMessage) => void,
    private readonly requested: number,
    private readonly restrictions: Omit<Restrictions, 'codeGenerationBlocked'>,
  ) {}

  /** The core's messages, as the client's. */
  post(message: WorkerMessage): void {
    switch (message.type) {
      case 'loaded':
        this.emit({
          type: 'ready',
          runtime: { ...message.runtime, startup: { relayStarted: this.requested, ...message.marks } },
          restrictions: { ...this.restrictions, codeGenerationBlocked: message.codeGenerationBlocked },
        });
        return;
      case 'result':
        this.flush(true);
        this.running = undefined;
        this.emit(message);
        return;
      case 'variables-result':
        // A query writes nothing: its output was discarded in the worker.
        this.running = undefined;
        this.emit(message);
        return;
      case 'input-request':
      case 'display':
        this.flush();
        this.emit(message);
        return;
      case 'load-failed':
        this.emit({ type: 'failed', message: message.message });
        return;
      case 'packages-loaded':
        this.send(message);
        return;
      // No relay here: the shared output buffer and the build's snapshot do not apply.
      case 'drain':
      case 'snapshot':
        return;
    }
  }

  write(stream: StreamName, bytes: Uint8Array): void {
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new TextDecoder()));
    this.add(stream, decoder.decode(bytes, { stream: true }));
    if (this.batchChars >= BATCH_CHARS || performance.now() - this.lastSent >= BATCH_MS) this.flush();
  }

  /** Sends the batch; at the end of a run, with what the decoders still hold. */
  flush(final = false): void {
    if (final) for (const [stream, decoder] of this.decoders) this.add(stream, decoder.decode());
    const id = this.running;
    if (id !== undefined) for (const { stream, text } of this.batch) this.emit({ type: 'output', id, stream, text });
    this.batch = [];
    this.batchChars = 0;
    this.lastSent = performance.now();
  }

  private add(stream: StreamName, text: string): void {
    if (!text) return;
    const last = this.batch.at(-1);
    if (last?.stream === stream) last.text += text;
    else this.batch.push({ stream, text });
    this.batchChars += text.length;
  }

  private emit(message: SandboxMessage): void {
    this.send(encodeFrame(message));
  }
}
