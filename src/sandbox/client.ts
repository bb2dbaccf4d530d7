import type { HostConfig } from './host/main';
import type { HostMessage, Restrictions, RunMode, RuntimeInfo, StreamName } from './protocol';
import { checkCode, failure, type RunResult } from './result';
import {
  defaultLaunchSpec,
  startInProcess,
  startProcess,
  type IsolationLevel,
  type IsolationMode,
  type LaunchSpec,
  type Transport,
} from './transport';

/** How a client starts and limits its sandbox. Every field has a default. */
export interface SandboxOptions {
  /** `process` (default): a locked-down child process; `worker`: a thread in this process. */
  readonly isolation?: IsolationMode;
  /** Folder of the built bundles and Pyodide assets; defaults to this bundle's folder. */
  readonly distDir?: string;
  /** Cap on Python's WebAssembly memory (default 1024). */
  readonly memoryLimitMb?: number;
  /** Default per-run timeout; 0 means none (default 0). */
  readonly timeoutMs?: number;
  /** Output kept per run (default 10 MiB); beyond it output is dropped and marked truncated. */
  readonly maxOutputBytes?: number;
  /** How long an interrupted run may take to stop before the process is killed (default 1000). */
  readonly interruptGraceMs?: number;
  /** Answers input() and reads of sys.stdin; `null` is end of input. Without it they raise EOFError. */
  readonly input?: (prompt: string, signal: AbortSignal) => Promise<string | null>;
  /** Restore the bundled memory snapshot at start (default true); false boots Python plainly. */
  readonly snapshot?: boolean;
  /** Adjusts how the sandbox process is started (tests use it to drop a restriction). */
  readonly launch?: (spec: LaunchSpec) => LaunchSpec;
}

/** Per-run choices. */
export interface RunOptions {
  readonly timeoutMs?: number;
  /** Run in an empty namespace that is thrown away afterwards. */
  readonly fresh?: boolean;
  /** Receives output as it is written. */
  readonly onOutput?: (stream: StreamName, text: string) => void;
  /** Drop output inside the worker (for measuring what output costs). */
  readonly discardOutput?: boolean;
  /** For exec: also report the repr of a final bare expression, as `RunResult.lastValue`. */
  readonly captureLastValue?: boolean;
}

/** What the client knows about the running sandbox. */
export interface SandboxInfo {
  readonly isolation: IsolationLevel;
  readonly restrictions: Restrictions;
  readonly runtime: RuntimeInfo;
  /** From asking for a sandbox to its being ready to run code. */
  readonly startMs: number;
  /** The sandbox process's id (absent with `isolation: "worker"`). */
  readonly pid?: number;
}

/** The client's life cycle, for status displays. */
export type SandboxState = 'stopped' | 'starting' | 'ready' | 'running';

/** The sandbox could not start, or died: a fault of the machinery, not of the Python code. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';

  /** @param crashed the sandbox died under a run (rather than failing to start). */
  constructor(
    message: string,
    readonly crashed = false,
  ) {
    super(message);
  }
}

interface PendingRun {
  readonly mode: RunMode;
  readonly started: number;
  readonly output: string[];
  outputLength: number;
  truncated: boolean;
  timedOutAfterMs?: number;
  /** Cancels the question the client is asking for input(), when the run ends first. */
  inputAbort?: AbortController;
  readonly onOutput?: RunOptions['onOutput'];
  readonly resolve: (result: RunResult) => void;
  readonly reject: (error: Error) => void;
}

interface Session {
  readonly transport: Transport;
  readonly ready: Promise<SandboxInfo>;
  /** Settle `ready`; later calls do nothing. */
  readonly resolveStart: (info: SandboxInfo) => void;
  readonly rejectStart: (error: Error) => void;
  /** When the sandbox was asked for, to measure its start. */
  readonly requested: number;
  readonly pending: Map<number, PendingRun>;
  /** Set when the client ends the session on purpose: how to report runs it cuts short. */
  endedBecause?: (run: PendingRun) => RunResult;
  ended: boolean;
}

const DEFAULTS = { memoryLimitMb: 1024, timeoutMs: 0, maxOutputBytes: 10 * 2 ** 20, interruptGraceMs: 1000 };

/**
 * Runs Python in a sandbox: starts it lazily, queues runs, streams their output, enforces
 * timeouts and replaces the sandbox when it dies. A Python exception is a normal result; only a
 * fault of the sandbox itself rejects.
 */
export class SandboxClient {
  private readonly options: Required<Pick<SandboxOptions, keyof typeof DEFAULTS>> & SandboxOptions;
  private readonly distDir: string;
  private session: Session | undefined;
  private info: SandboxInfo | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private nextId = 1;
  private currentState: SandboxState = 'stopped';
  private readonly listeners = new Set<(state: SandboxState) => void>();
  private disposed = false;
  private permissionsRejected = false;
  private interruptOnSend = false;

  constructor(options: SandboxOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.distDir = options.distDir ?? __dirname;
  }

  /** The current life-cycle state. */
  get state(): SandboxState {
    return this.currentState;
  }

  /** Runs waiting behind the one that runs (or is about to). */
  get queued(): number {
    return Math.max(0, this.waiting - 1);
  }

  /** Isolation and runtime facts of the sandbox that is (or was last) ready. */
  get sandbox(): SandboxInfo | undefined {
    return this.info;
  }

  /** Calls `listener` on every state change; returns a function that stops it. */
  onStateChange(listener: (state: SandboxState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the sandbox if it is not running; resolves once it can run code. */
  start(): Promise<SandboxInfo> {
    if (this.disposed) return Promise.reject(new SandboxError('the sandbox client was disposed'));
    if (!this.session || this.session.ended) this.session = this.open();
    return this.session.ready.catch((error: unknown) => {
      // A Node that advertises the permission flags may still refuse them at start (Electron
      // builds have); then run without them, at the level that says so.
      if (!this.permissionsRejected && error instanceof SandboxError && /bad option/.test(error.message)) {
        this.permissionsRejected = true;
        return this.start();
      }
      throw error;
    });
  }

  /** Runs statements; the result's output is everything they printed. */
  exec(code: string, options?: RunOptions): Promise<RunResult> {
    return this.run('exec', code, options);
  }

  /** Evaluates an expression; the result's value is its `json.dumps`. */
  eval(expression: string, options?: RunOptions): Promise<RunResult> {
    return this.run('eval', expression, options);
  }

  /** Queues a run behind any others and resolves with its result. */
  async run(mode: RunMode, code: string, options: RunOptions = {}): Promise<RunResult> {
    const problem = checkCode(code);
    if (problem) return failure(mode, problem.type, problem.message);
    this.waiting++;
    this.emitState();
    const turn = this.queue.then(() => this.runNow(mode, code, options));
    this.queue = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      this.waiting--;
      if (this.waiting === 0) this.interruptOnSend = false;
      this.currentState = this.session && !this.session.ended ? (this.waiting > 0 ? 'running' : 'ready') : 'stopped';
      // Emitted even when the state is unchanged: the queue length is part of what listeners show.
      this.emitState();
    }
  }

  /** Raises KeyboardInterrupt in the running code, if any. */
  interrupt(): void {
    if (this.session && !this.session.ended && this.session.pending.size > 0) {
      this.session.transport.send({ type: 'interrupt' });
    } else if (this.waiting > 0) {
      // The run is still on its way (the sandbox is starting): interrupt it once it is sent.
      this.interruptOnSend = true;
    }
  }

  /** Replaces the sandbox with a fresh one; a run in progress ends with an error. */
  async restart(): Promise<SandboxInfo> {
    if (this.session)
      this.end(this.session, (run) =>
        failure(run.mode, 'RuntimeError', 'the sandbox was restarted before the code finished', partial(run)),
      );
    return this.start();
  }

  /** Kills the sandbox; runs in progress end with an error and later runs are refused. */
  dispose(): void {
    this.disposed = true;
    if (this.session)
      this.end(this.session, (run) =>
        failure(run.mode, 'RuntimeError', 'the sandbox was shut down before the code finished', partial(run)),
      );
    this.listeners.clear();
  }

  private async runNow(mode: RunMode, code: string, options: RunOptions): Promise<RunResult> {
    const session = this.session && !this.session.ended ? this.session : undefined;
    await (session ? session.ready : this.start());
    const active = this.session!;
    const id = this.nextId++;
    this.setState('running');
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timers: NodeJS.Timeout[] = [];
    let run!: PendingRun;
    const settled = new Promise<RunResult>((resolve, reject) => {
      run = {
        mode,
        started: performance.now(),
        output: [],
        outputLength: 0,
        truncated: false,
        onOutput: options.onOutput,
        resolve,
        reject,
      };
    });
    active.pending.set(id, run);
    if (timeoutMs > 0) this.armTimeout(active, run, timeoutMs, timers);
    active.transport.send({
      type: 'run',
      id,
      request: {
        mode,
        code,
        fresh: options.fresh ?? false,
        discardOutput: options.discardOutput ?? false,
        captureLastValue: options.captureLastValue ?? false,
        maxOutputBytes: this.options.maxOutputBytes,
      },
    });
    if (this.interruptOnSend) {
      this.interruptOnSend = false;
      this.interrupt();
    }
    try {
      return await settled;
    } finally {
      active.pending.delete(id);
      timers.forEach(clearTimeout);
      run.inputAbort?.abort();
    }
  }

  /** Interrupt at the deadline; if the code ignores it (a C loop), kill the process. */
  private armTimeout(session: Session, run: PendingRun, timeoutMs: number, timers: NodeJS.Timeout[]): void {
    const seconds = timeoutMs / 1000;
    timers.push(
      setTimeout(() => {
        run.timedOutAfterMs = timeoutMs;
        this.interrupt();
        timers.push(
          setTimeout(() => {
            this.end(session, (cut) =>
              failure(
                cut.mode,
                'TimeoutError',
                `the code ran longer than ${seconds} s and did not stop when interrupted; the sandbox was restarted and its namespace lost`,
                partial(cut),
              ),
            );
          }, this.options.interruptGraceMs),
        );
      }, timeoutMs),
    );
  }

  private open(): Session {
    const requested = performance.now();
    const config: HostConfig = {
      distDir: this.distDir,
      memoryLimitBytes: this.options.memoryLimitMb * 2 ** 20,
      inputEnabled: this.options.input !== undefined,
      boot: this.options.snapshot === false ? 'plain' : 'snapshot',
    };
    let resolveStart!: Session['resolveStart'];
    let rejectStart!: Session['rejectStart'];
    const ready = new Promise<SandboxInfo>((resolve, reject) => ((resolveStart = resolve), (rejectStart = reject)));
    ready.catch(() => undefined); // a failed start is reported to whoever awaits it, not as unhandled
    const events = {
      message: (message: HostMessage) => this.receive(session, message),
      exit: (detail: string) => this.exited(session, detail),
    };
    const transport =
      this.options.isolation === 'worker'
        ? startInProcess(config, events)
        : startProcess(
            (this.options.launch ?? ((spec) => spec))(defaultLaunchSpec(this.distDir, !this.permissionsRejected)),
            config,
            events,
          );
    const session: Session = { transport, ready, resolveStart, rejectStart, requested, pending: new Map(), ended: false };
    this.setState('starting');
    return session;
  }

  private receive(session: Session, message: HostMessage): void {
    switch (message.type) {
      case 'ready': {
        const refusal = this.options.isolation === 'worker' ? undefined : refuse(message.restrictions);
        if (refusal) {
          session.rejectStart(new SandboxError(`refusing to run code: ${refusal}`));
          this.end(session, (run) => failure(run.mode, 'SandboxError', refusal));
          return;
        }
        this.info = {
          isolation: isolationLevel(this.options.isolation, message.restrictions),
          restrictions: message.restrictions,
          runtime: message.runtime,
          startMs: Math.round(performance.now() - session.requested),
          pid: session.transport.pid,
        };
        session.resolveStart(this.info);
        this.setState(this.waiting > 0 ? 'running' : 'ready');
        return;
      }
      case 'failed':
        session.rejectStart(new SandboxError(`the sandbox could not start: ${message.message}`));
        this.end(session);
        return;
      case 'output':
        this.output(session.pending.get(message.id), message.stream, message.text);
        return;
      case 'input-request':
        void this.answerInput(session, message.id, message.prompt);
        return;
      case 'result': {
        const run = session.pending.get(message.id);
        if (!run) return;
        const { outcome } = message;
        let error = outcome.error;
        if (error?.type === 'KeyboardInterrupt' && run.timedOutAfterMs !== undefined) {
          error = {
            ...error,
            type: 'TimeoutError',
            message: `the code ran longer than ${run.timedOutAfterMs / 1000} s and was interrupted`,
          };
        }
        run.resolve({
          ...partial(run),
          mode: run.mode,
          value: outcome.value,
          lastValue: outcome.lastValue,
          error,
          truncated: outcome.truncated || run.truncated,
          restarted: outcome.recycle !== undefined,
        });
        if (outcome.recycle) this.end(session);
        return;
      }
    }
  }

  private output(run: PendingRun | undefined, stream: StreamName, text: string): void {
    if (!run || run.truncated) return;
    // The worker enforces the cap in bytes; this is the client's own bound in case it did not.
    const room = this.options.maxOutputBytes - run.outputLength;
    if (text.length > room) {
      text = text.slice(0, room);
      run.truncated = true;
    }
    run.output.push(text);
    run.outputLength += text.length;
    run.onOutput?.(stream, text);
  }

  private async answerInput(session: Session, id: number, prompt: string): Promise<void> {
    let text: string | null = null;
    const run = session.pending.get(id);
    if (!run) return;
    run.inputAbort = new AbortController();
    try {
      text = (await this.options.input?.(prompt, run.inputAbort.signal)) ?? null;
    } finally {
      if (!session.ended) session.transport.send({ type: 'input-reply', id, text });
    }
  }

  /** Ends a session on purpose; `report` says how runs it cuts short are reported. */
  private end(session: Session, report?: (run: PendingRun) => RunResult): void {
    if (session.ended) return;
    session.endedBecause = report;
    session.transport.kill();
    this.exited(session, 'the sandbox was stopped');
  }

  private exited(session: Session, detail: string): void {
    const report = session.endedBecause;
    session.ended = true;
    session.rejectStart(new SandboxError(`the sandbox could not start: ${detail}`));
    for (const run of session.pending.values()) {
      if (report) run.resolve({ ...report(run), restarted: true });
      else
        run.reject(
          new SandboxError(`the sandbox crashed and was lost with its namespace (${detail}); the next run starts a new one`, true),
        );
    }
    session.pending.clear();
    if (this.session === session) this.setState('stopped');
  }

  private setState(state: SandboxState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emitState();
  }

  private emitState(): void {
    for (const listener of this.listeners) listener(this.currentState);
  }
}

/** The output and duration a run had so far, for results the client makes itself. */
function partial(run: PendingRun): Pick<RunResult, 'output' | 'truncated' | 'durationMs'> {
  return { output: run.output.join(''), truncated: run.truncated, durationMs: Math.round(performance.now() - run.started) };
}

/** Why a sandbox process with these restrictions must not run code, if it must not. */
function refuse(restrictions: Restrictions): string | undefined {
  if (!restrictions.codeGenerationBlocked)
    return 'the sandbox process allows code generation from strings (--disallow-code-generation-from-strings did not take effect)';
  if (!restrictions.environmentEmpty) return 'the sandbox process can see environment variables (its environment was not emptied)';
  return undefined;
}

function isolationLevel(mode: IsolationMode | undefined, restrictions: Restrictions): IsolationLevel {
  if (mode === 'worker') return 'worker';
  return restrictions.permissionModel && restrictions.hostFilesDenied && restrictions.childProcessDenied
    ? 'process'
    : 'process-no-fs-permissions';
}
