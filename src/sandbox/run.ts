/**
 * One request to run code, from the moment it is queued until its result: the object that the
 * client hands out and that presenters (output channel, diagnostics, notebooks, the CLI)
 * subscribe to. No `vscode` import.
 */
import { Emitter, type Event } from './events';
import type { PackageLoad } from './package-memory';
import type { DisplayData, RunMode, StreamName } from './protocol';
import { failure, type RunResult } from './result';
import { SandboxError } from './sandbox-error';

/** Where a run is in its life. */
export type RunState = 'queued' | 'running' | 'done';

/** A piece of output, as the running code wrote it. */
export interface OutputChunk {
  readonly stream: StreamName;
  readonly text: string;
}

/** The running code called input(): answer with `reply` (null is end of input). */
export interface InputRequest {
  readonly prompt: string;
  /** Aborted when the run ends or is interrupted before an answer came. */
  readonly signal: AbortSignal;
  /** The first reply counts; later ones are ignored. */
  reply(text: string | null): void;
}

/** A run as its observers see it. */
export interface Run {
  /** Unique within its client. */
  readonly id: number;
  readonly mode: RunMode;
  readonly code: string;
  /** What the run is called in messages, e.g. `hello.py:3-5`. */
  readonly label: string | undefined;
  readonly state: RunState;
  /** The packages loaded into the runtime before this run's code; set when the run starts (empty when none). */
  readonly packages: readonly PackageLoad[];
  /** The run left the queue and its code was sent to the sandbox. */
  readonly onDidStart: Event<void>;
  /** Output as it streams (up to the output cap). */
  readonly onDidWrite: Event<OutputChunk>;
  /** The code waits for a line of input. Without a listener, input() gets end of input. */
  readonly onDidRequestInput: Event<InputRequest>;
  /** The answer an input request got (null: end of input), as a terminal would echo it. */
  readonly onDidAnswerInput: Event<string | null>;
  /** An object the code displayed (display(), plt.show(), a final expression on request), in order with the output. */
  readonly onDidDisplay: Event<DisplayData>;
  /**
   * How the run ended. A Python exception is a result; the promise rejects (with SandboxError)
   * only when the sandbox itself crashed or broke the protocol.
   */
  readonly result: Promise<RunResult>;
  /** Raises KeyboardInterrupt in running code; a queued run is cancelled without running. */
  interrupt(): void;
}

/** The client's side of a run: it moves the run along and settles it. */
export class RunRecord implements Run {
  readonly result: Promise<RunResult>;
  private currentState: RunState = 'queued';
  private readonly started = new Emitter<void>();
  private readonly written = new Emitter<OutputChunk>();
  private readonly inputRequested = new Emitter<InputRequest>();
  private readonly inputAnswered = new Emitter<string | null>();
  private readonly displayed = new Emitter<DisplayData>();
  readonly onDidStart = this.started.event;
  readonly onDidWrite = this.written.event;
  readonly onDidRequestInput = this.inputRequested.event;
  readonly onDidAnswerInput = this.inputAnswered.event;
  readonly onDidDisplay = this.displayed.event;
  private resolve!: (result: RunResult) => void;
  private reject!: (error: Error) => void;
  private readonly output: string[] = [];
  private outputLength = 0;
  private startedAt = 0;
  private pendingInput: AbortController | undefined;
  /** Output went past the cap on the client's side. */
  truncated = false;
  packages: readonly PackageLoad[] = [];
  /** Set when a timeout interrupted the run, so a KeyboardInterrupt is reported as a timeout. */
  timedOutAfterMs: number | undefined;

  constructor(
    readonly id: number,
    readonly mode: RunMode,
    readonly code: string,
    readonly label: string | undefined,
    private readonly maxOutputChars: number,
    private readonly onInterrupt: (run: RunRecord) => void,
  ) {
    this.result = new Promise<RunResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Observers that only follow events need not handle a crash; whoever awaits `result` does.
    this.result.catch(() => undefined);
  }

  get state(): RunState {
    return this.currentState;
  }

  interrupt(): void {
    if (this.currentState !== 'done') this.onInterrupt(this);
  }

  /** The run was sent to the sandbox. */
  markStarted(): void {
    this.currentState = 'running';
    this.startedAt = performance.now();
    this.started.fire();
  }

  /** Keeps output up to the cap and passes it on. */
  write(stream: StreamName, text: string): void {
    if (this.truncated || !text) return;
    const room = this.maxOutputChars - this.outputLength;
    if (text.length > room) {
      text = text.slice(0, room);
      this.truncated = true;
    }
    this.output.push(text);
    this.outputLength += text.length;
    this.written.fire({ stream, text });
  }

  /** Passes display data on to the observers. */
  display(data: DisplayData): void {
    this.displayed.fire(data);
  }

  /** Asks the observers for a line; end of input when nobody listens. */
  askForInput(prompt: string): Promise<string | null> {
    if (!this.inputRequested.hasListeners || this.currentState !== 'running') return Promise.resolve(null);
    this.pendingInput?.abort();
    const abort = (this.pendingInput = new AbortController());
    return new Promise<string | null>((resolve) => {
      let answered = false;
      const reply = (text: string | null): void => {
        if (answered) return;
        answered = true;
        if (!abort.signal.aborted) this.inputAnswered.fire(text);
        resolve(text);
      };
      abort.signal.addEventListener('abort', () => reply(null));
      this.inputRequested.fire({ prompt, signal: abort.signal, reply });
    });
  }

  /** Withdraws a question for input() that has not been answered. */
  cancelInput(): void {
    this.pendingInput?.abort();
    this.pendingInput = undefined;
  }

  /** What the run printed and how long it ran so far, for results the client makes itself. */
  partial(): Pick<RunResult, 'output' | 'truncated' | 'durationMs'> {
    return {
      output: this.output.join(''),
      truncated: this.truncated,
      durationMs: this.startedAt ? Math.round(performance.now() - this.startedAt) : 0,
    };
  }

  finish(result: RunResult): void {
    if (this.end()) this.resolve(result);
  }

  fail(error: Error): void {
    if (this.end()) this.reject(error);
  }

  private end(): boolean {
    if (this.currentState === 'done') return false;
    this.currentState = 'done';
    this.cancelInput();
    this.started.dispose();
    this.written.dispose();
    this.inputRequested.dispose();
    this.inputAnswered.dispose();
    this.displayed.dispose();
    return true;
  }
}

/**
 * A run's result, with a fault of the sandbox itself turned into a result as well (error type
 * `SandboxError`, runtime restarted), for presenters that show both the same way.
 */
export async function settledResult(run: Run): Promise<RunResult> {
  try {
    return await run.result;
  } catch (error) {
    const message = error instanceof SandboxError ? error.message : String(error);
    return failure(run.mode, 'SandboxError', message, { restarted: true });
  }
}
