import * as path from 'node:path';
import { TextDecoder } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  isTagged,
  type BootMode,
  type ClientMessage,
  type HostMessage,
  type Restrictions,
  type StreamName,
  type WorkerConfig,
  type WorkerMessage,
} from '../protocol';
import { createInputBuffer, InputSlot } from '../shared/input-slot';
import { createOutputBuffer, OutputRingReader } from '../shared/output-ring';

/** How often output is forwarded while code runs: fast enough to look live, cheap when idle. */
const DRAIN_INTERVAL_MS = 20;
/** Pyodide occasionally takes an interrupt without acting on it until the flag is set again. */
const INTERRUPT_REARM_MS = 250;
const INTERRUPT_REARM_TIMES = 4;
const SIGINT = 2;

/** What the link needs to start a worker. */
export interface WorkerLinkOptions {
  readonly distDir: string;
  readonly memoryLimitBytes: number;
  readonly inputEnabled: boolean;
  readonly boot: BootMode;
  /** The restrictions of the thread's process, included in the `ready` message. */
  readonly restrictions: Restrictions;
}

/**
 * The host side of one Pyodide worker: starts it, owns the shared memory for interrupts, input
 * and output, and turns worker traffic into host messages. The sandbox process wraps one; in
 * `isolation: "worker"` mode the client uses one directly.
 */
export class WorkerLink {
  private readonly worker: Worker;
  private readonly interruptFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly output: OutputRingReader;
  private readonly input: InputSlot;
  private readonly decoders = new Map<StreamName, TextDecoder>();
  private running: number | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private rearmTimer: NodeJS.Timeout | undefined;
  private exited = false;

  /**
   * @param emit receives every message for the client, in order.
   * @param onExit called once when the worker is gone, with the reason.
   */
  constructor(
    private readonly options: WorkerLinkOptions,
    private readonly emit: (message: HostMessage) => void,
    private readonly onExit: (reason: string) => void,
  ) {
    const outputBuffer = createOutputBuffer();
    const inputBuffer = createInputBuffer();
    this.output = new OutputRingReader(outputBuffer);
    this.input = new InputSlot(inputBuffer);
    const workerData: WorkerConfig = {
      channels: { interrupt: this.interruptFlag.buffer as SharedArrayBuffer, output: outputBuffer, input: inputBuffer },
      distDir: options.distDir,
      memoryLimitBytes: options.memoryLimitBytes,
      inputEnabled: options.inputEnabled,
      boot: options.boot,
    };
    this.worker = new Worker(path.join(options.distDir, 'sandbox-worker.js'), { workerData, env: {} });
    this.worker.on('message', (message: unknown) => this.fromWorker(message));
    this.worker.on('error', (error) => this.finish(`the Python worker failed: ${error.message}`));
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
        this.worker.postMessage(msg);
        return;
      case 'interrupt':
        this.interrupt();
        return;
      case 'input-reply':
        this.input.answer(typeof msg.text === 'string' ? msg.text : null);
        return;
    }
  }

  /** Stops the worker thread. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private interrupt(): void {
    const id = this.running;
    if (id === undefined) return;
    let times = 0;
    const raise = (): void => {
      if (this.running !== id) return;
      Atomics.store(this.interruptFlag, 0, SIGINT);
      Atomics.notify(this.interruptFlag, 0);
      this.input.interrupt();
      if (++times <= INTERRUPT_REARM_TIMES) this.rearmTimer = setTimeout(raise, INTERRUPT_REARM_MS);
    };
    clearTimeout(this.rearmTimer);
    raise();
  }

  private fromWorker(message: unknown): void {
    if (!isTagged(message)) return;
    const msg = message as WorkerMessage;
    switch (msg.type) {
      case 'loaded':
        this.emit({
          type: 'ready',
          runtime: msg.runtime,
          restrictions: { ...this.options.restrictions, codeGenerationBlocked: msg.codeGenerationBlocked },
        });
        return;
      case 'drain':
        this.forwardOutput();
        return;
      case 'input-request':
        if (this.running === undefined) return;
        this.forwardOutput();
        this.input.expect();
        this.emit({ type: 'input-request', id: this.running, prompt: String(msg.prompt) });
        return;
      case 'result':
        if (msg.id !== this.running) return;
        this.forwardOutput(true);
        this.endRun();
        this.emit(msg);
        return;
      case 'load-failed':
        this.emit({ type: 'failed', message: String(msg.message) });
        return;
    }
  }

  private forwardOutput(final = false): void {
    const id = this.running;
    if (id === undefined) return;
    for (const chunk of this.output.drain()) {
      const text = this.decoder(chunk.stream).decode(chunk.bytes, { stream: true });
      if (text) this.emit({ type: 'output', id, stream: chunk.stream, text });
    }
    if (!final) return;
    for (const [stream, decoder] of this.decoders) {
      const rest = decoder.decode();
      if (rest) this.emit({ type: 'output', id, stream, text: rest });
    }
  }

  private decoder(stream: StreamName): TextDecoder {
    let decoder = this.decoders.get(stream);
    if (!decoder) this.decoders.set(stream, (decoder = new TextDecoder()));
    return decoder;
  }

  private endRun(): void {
    clearInterval(this.drainTimer);
    clearTimeout(this.rearmTimer);
    this.running = undefined;
  }

  private finish(reason: string): void {
    if (this.exited) return;
    this.exited = true;
    this.endRun();
    this.onExit(reason);
  }
}
