import { TextDecoder } from 'node:util';
import type { Worker } from 'node:worker_threads';
import {
  isTagged,
  type ClientMessage,
  type Restrictions,
  type RunMessage,
  type SandboxMessage,
  type StreamName,
  type WorkerMessage,
} from '../protocol';
import { epochMs } from '../shared/clock';
import { createInputBuffer, InputSlot } from '../shared/input-slot';
import { raiseInterrupt } from '../shared/interrupt';
import { createOutputBuffer, OutputBufferReader } from '../shared/output-buffer';
import { PackageLoader } from '../shared/package-loader';
import type { ProcessConfig } from './config';
import { processPackageCache } from './package-files';
import { startPyodideWorker } from './pyodide-worker';

/** How often output is forwarded while code runs: fast enough to look live, cheap when idle. */
const DRAIN_INTERVAL_MS = 20;

/**
 * How long the worker may keep the output buffer locked before it is taken as broken and
 * stopped. A write holds the lock for one copy; this leaves room for a thread the OS put aside.
 */
const OUTPUT_LOCK_HELD_MS = 5000;

/** A message from the worker, which posts JSON text only (see node-main.ts); anything else is none. */
function workerMessage(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the relay needs to start a worker. */
export interface WorkerRelayOptions extends ProcessConfig {
  /** The restrictions of the thread's process, included in the `ready` message. */
  readonly restrictions: Restrictions;
}

/**
 * The sandbox process's side of one Pyodide worker: starts it, owns the shared memory for
 * interrupts, input and output, and turns worker traffic into messages for the client. With
 * `isolation: "worker"` the client uses one directly, in its own process.
 */
export class WorkerRelay {
  private readonly worker: Worker;
  private readonly interruptFlag = new Int32Array(new SharedArrayBuffer(4));
  /** Set once a display message is forwarded; the worker waits on it (see DisplayMessage). */
  private readonly displayForwarded = new Int32Array(new SharedArrayBuffer(4));
  private readonly output: OutputBufferReader;
  private readonly input: InputSlot;
  private readonly decoders = new Map<StreamName, TextDecoder>();
  private readonly relayStarted = epochMs();
  private running: number | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private stopRearming: () => void = () => undefined;
  /** Since when every drain found the output buffer locked by the worker. */
  private lockedSince: number | undefined;
  private exited = false;
  /** Reads a run's packages from the cache and has the worker load them before the run. */
  private readonly packages = new PackageLoader(processPackageCache, (message, transfer) => this.worker.postMessage(message, transfer));

  /**
   * @param emit receives every message for the client, in order.
   * @param onExit called once when the worker is gone, with the reason.
   */
  constructor(
    private readonly options: WorkerRelayOptions,
    private readonly emit: (message: SandboxMessage) => void,
    private readonly onExit: (reason: string) => void,
  ) {
    const outputBuffer = createOutputBuffer();
    const inputBuffer = createInputBuffer();
    this.output = new OutputBufferReader(outputBuffer);
    this.input = new InputSlot(inputBuffer);
    this.worker = startPyodideWorker({
      distDir: options.distDir,
      channels: {
        interrupt: this.interruptFlag.buffer as SharedArrayBuffer,
        output: outputBuffer,
        input: inputBuffer,
        display: this.displayForwarded.buffer as SharedArrayBuffer,
      },
      memoryLimitBytes: options.memoryLimitBytes,
      inputEnabled: options.inputEnabled,
      importGuard: !options.restrictions.codeGenerationBlocked,
      boot: options.boot,
    });
    this.worker.on('message', (text: unknown) => this.fromWorker(workerMessage(text)));
    this.worker.on('error', (error: NodeJS.ErrnoException) => this.failed(error));
    this.worker.on('exit', (code) => this.finish(`the Python worker exited with code ${code}`));
  }

  /** Handles a message from the client; anything malformed is ignored. */
  handle(message: unknown): void {
    if (!isTagged(message)) return;
    const msg = message as ClientMessage;
    switch (msg.type) {
      case 'run':
        if (this.running !== undefined || typeof msg.id !== 'number') return;
        this.running = msg.id;
        Atomics.store(this.interruptFlag, 0, 0);
        this.drainTimer = setInterval(() => this.forwardOutput(), DRAIN_INTERVAL_MS);
        if (msg.request.packages?.length) void this.loadThenRun(msg);
        else this.postRun(msg);
        return;
      case 'variables':
        // Like a run, but for one answer: no output to forward, no packages to load.
        if (this.running !== undefined || typeof msg.id !== 'number') return;
        this.running = msg.id;
        Atomics.store(this.interruptFlag, 0, 0);
        this.worker.postMessage(msg);
        return;
      case 'interrupt':
        if (msg.id === this.running) this.interrupt();
        return;
      case 'input-reply':
        if (msg.id === this.running) this.input.answer(typeof msg.text === 'string' ? msg.text : null);
        return;
    }
  }

  /** Stops the worker thread. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** Loads the run's packages, then runs its code; a failure to load is the run's result, and its code does not run. */
  private async loadThenRun(message: RunMessage): Promise<void> {
    const { id, request } = message;
    const error = await this.packages.load(id, request.packages ?? []);
    if (this.running !== id) return;
    if (error === undefined) {
      this.postRun(message);
      return;
    }
    if (!this.forwardOutput(true)) return;
    this.endRun();
    this.emit({ type: 'result', id, outcome: { truncated: false, packageError: error } });
  }

  /** Hands the run to the worker; the workspace files' bytes move there, not copied. */
  private postRun(message: RunMessage): void {
    this.worker.postMessage(message, message.files?.map((bytes) => bytes.buffer as ArrayBuffer) ?? []);
  }

  private interrupt(): void {
    const id = this.running;
    if (id === undefined) return;
    this.stopRearming();
    this.stopRearming = raiseInterrupt(this.interruptFlag, this.input, () => this.running === id);
  }

  private fromWorker(message: unknown): void {
    if (!isTagged(message)) return;
    const msg = message as WorkerMessage;
    switch (msg.type) {
      case 'loaded':
        this.emit({
          type: 'ready',
          runtime: { ...msg.runtime, startup: { relayStarted: this.relayStarted, ...msg.marks } },
          restrictions: { ...this.options.restrictions, codeGenerationBlocked: msg.codeGenerationBlocked },
        });
        return;
      case 'drain':
        this.forwardOutput();
        return;
      case 'input-request':
        if (this.running === undefined || !this.forwardOutput()) return;
        this.input.expect();
        this.emit({ type: 'input-request', id: this.running, prompt: String(msg.prompt) });
        return;
      case 'result':
        if (msg.id !== this.running) return;
        if (!this.forwardOutput(true)) return;
        this.endRun();
        this.emit(msg);
        return;
      case 'variables-result':
        if (msg.id !== this.running) return;
        this.endRun();
        this.emit(msg);
        return;
      case 'load-failed':
        this.emit({ type: 'failed', message: String(msg.message) });
        return;
      case 'display':
        if (this.running !== undefined) {
          if (!this.forwardOutput()) return;
          const { kind, items, displayId, wait } = msg;
          this.emit({ type: 'display', id: this.running, kind, items, displayId, wait });
        }
        Atomics.store(this.displayForwarded, 0, 1);
        Atomics.notify(this.displayForwarded, 0);
        return;
      case 'packages-loaded':
        this.packages.answer(msg);
        return;
      case 'file-data':
        if (this.running !== undefined) this.emit({ type: 'file-data', id: this.running, data: msg.data });
        return;
    }
  }

  /** The worker died. Running out of its JavaScript heap is Python's MemoryError, not a crash. */
  private failed(error: NodeJS.ErrnoException): void {
    const id = this.running;
    if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' && id !== undefined && this.forwardOutput(true)) {
      this.endRun();
      this.emit({
        type: 'result',
        id,
        outcome: {
          error: {
            type: 'MemoryError',
            message: "out of memory: the sandbox's JavaScript heap limit was reached; the runtime was restarted",
            frames: [],
          },
          truncated: false,
          recycle: 'worker heap limit reached',
        },
      });
    }
    this.finish(`the Python worker failed: ${error.message}`);
  }

  /**
   * Forwards the output the worker wrote. The worker may hold the buffer's lock for a copy; one
   * that holds it longer, or still holds it at the end of a run (it lets go before it reports
   * anything), is broken or hostile and is stopped.
   * @returns false when it stopped the worker.
   */
  private forwardOutput(final = false): boolean {
    const id = this.running;
    if (id === undefined) return true;
    const chunks = this.output.drain();
    if (chunks === undefined) {
      this.lockedSince ??= performance.now();
      if (!final && performance.now() - this.lockedSince < OUTPUT_LOCK_HELD_MS) return true;
      void this.worker.terminate();
      this.finish('the Python worker kept the output buffer locked, and was stopped');
      return false;
    }
    this.lockedSince = undefined;
    for (const chunk of chunks) {
      const text = this.decoder(chunk.stream).decode(chunk.bytes, { stream: true });
      if (text) this.emit({ type: 'output', id, stream: chunk.stream, text });
    }
    if (!final) return true;
    for (const [stream, decoder] of this.decoders) {
      const rest = decoder.decode();
      if (rest) this.emit({ type: 'output', id, stream, text: rest });
    }
    return true;
  }

  private decoder(stream: StreamName): TextDecoder {
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new TextDecoder()));
    return decoder;
  }

  private endRun(): void {
    clearInterval(this.drainTimer);
    this.stopRearming();
    this.running = undefined;
  }

  private finish(reason: string): void {
    if (this.exited) return;
    this.exited = true;
    this.packages.stop(reason);
    this.endRun();
    this.onExit(reason);
  }
}
