import type { RunRequest, StreamName } from '../protocol';

/** Where output bytes leave the worker: the shared output buffer (Node), or batched messages (browser). */
export interface OutputWriter {
  write(stream: StreamName, bytes: Uint8Array): void;
}

/** Where Python's stdout and stderr bytes go: the platform's writer, up to the run's byte cap. */
export class OutputSink {
  private remaining = 0;
  private discard = false;
  private cut = false;

  constructor(private readonly ring: OutputWriter) {}

  /** Starts counting for a new run (or a variables query, whose output is discarded). */
  begin(request: Pick<RunRequest, 'maxOutputBytes' | 'discardOutput'>): void {
    this.remaining = request.maxOutputBytes;
    this.discard = request.discardOutput;
    this.cut = false;
  }

  /** Whether output of the current run went past its cap. */
  get truncated(): boolean {
    return this.cut;
  }

  /** Pyodide's raw write handler for one stream; reports every byte as written. */
  writer(stream: StreamName): { write(bytes: Uint8Array): number } {
    return {
      write: (bytes) => {
        if (!this.discard) this.accept(stream, bytes);
        return bytes.length;
      },
    };
  }

  private accept(stream: StreamName, bytes: Uint8Array): void {
    if (bytes.length > this.remaining) {
      this.cut = true;
      bytes = bytes.subarray(0, this.remaining);
    }
    if (bytes.length === 0) return;
    this.remaining -= bytes.length;
    this.ring.write(stream, bytes);
  }
}
