import { Emitter } from './events';
import { FrameDeadline, FrameReader } from './framing';
import { PackageMemory, type LoadedPackages, type PreparedPackage, type PreparePackages } from './package-memory';
import {
  STARTUP_STEPS,
  type DisplayItem,
  type LastValueDisplay,
  type PackageFile,
  type Restrictions,
  type RunMode,
  type RuntimeInfo,
  type SandboxMessage,
  type StartupMarks,
} from './protocol';
import { epochMs } from './shared/clock';
import { checkCode, failure, type RunResult } from './result';
import { RunRecord, type Run } from './run';
import type { IsolationLevel, SandboxExit, SandboxStart, Transport, TransportFactory } from './transport/transport';
import { MESSAGE_LIMITS, parseSandboxMessage, ProtocolError } from './validate';
import { SandboxError } from './sandbox-error';

export { SandboxError, type SandboxFault } from './sandbox-error';

/**
 * How a client starts and limits its sandbox. Every field but the transport has a default.
 * No `vscode` and no Node import here: each platform brings its transports (`node-client.ts` for
 * the extension host in Node, the CLI and the tests; `browser/` for the web worker extension host).
 */
export interface SandboxOptions {
  /** How sandboxes are started on this platform. */
  readonly transport: TransportFactory;
  /** Cap on Python's WebAssembly memory (default 1024); the whole process gets a fixed allowance more. */
  readonly memoryLimitMb?: number;
  /** Default per-run timeout; 0 means none (default 0). */
  readonly timeoutMs?: number;
  /** Output kept per run (default 10 MiB); beyond it output is dropped and marked truncated. */
  readonly maxOutputBytes?: number;
  /** How long an interrupted run may take to stop before the process is killed (default 1000). */
  readonly interruptGraceMs?: number;
  /** Whether input() may ask the runs' observers for a line (default false: it raises EOFError). */
  readonly input?: boolean;
  /** Restore the bundled memory snapshot at start (default true); false boots Python plainly. */
  readonly snapshot?: boolean;
}

/** Per-run choices. */
export interface RunOptions {
  readonly timeoutMs?: number;
  /** Run in an empty namespace that is thrown away afterwards. */
  readonly fresh?: boolean;
  /** Drop output inside the worker (for measuring what output costs). */
  readonly discardOutput?: boolean;
  /** For exec: also report the text of a final bare expression's value, as `RunResult.lastValue`. */
  readonly captureLastValue?: boolean;
  /** For exec: when a final bare expression's value is also display data (`Run.onDidDisplay`, kind `result`); default `none`. */
  readonly displayLastValue?: LastValueDisplay;
  /** For exec: the notebook cell number `[N]` the run is (IPython's `Out[N]`, `_N`); the runtime counts its runs without it. */
  readonly executionCount?: number;
  /** What the run is called in messages, e.g. `hello.py:3-5`. */
  readonly label?: string;
  /** The packages to load before the code runs, worked out when the run is next in the queue. */
  readonly packages?: PreparePackages;
}

/** What the client knows about the running sandbox. */
export interface SandboxInfo {
  readonly isolation: IsolationLevel;
  readonly restrictions: Restrictions;
  readonly runtime: RuntimeInfo;
  /** From asking for a sandbox to its being ready to run code. */
  readonly startMs: number;
  /** The sandbox process's id (absent when the sandbox is no process of its own: a thread, a browser worker). */
  readonly pid?: number;
  /** The process also runs in Linux namespaces: no network, no other processes in sight, none outliving us. */
  readonly osIsolated: boolean;
  /** How long each start-up step took, in milliseconds, as the sandbox reported it (for the benchmark). */
  readonly startup?: StartupBreakdown;
}

/** Milliseconds per start-up step: starting the process, then each step the sandbox marked, then the message back. */
export type StartupBreakdown = Readonly<Record<'process' | Exclude<(typeof STARTUP_STEPS)[number], 'relayStarted'> | 'ready', number>>;

/** Turns the sandbox's marks into durations, starting from when the client asked for it. */
function startupBreakdown(requestedEpoch: number, marks: StartupMarks, readyEpoch: number): StartupBreakdown {
  const durations: Record<string, number> = {};
  let previous = requestedEpoch;
  for (const step of STARTUP_STEPS) {
    durations[step === 'relayStarted' ? 'process' : step] = Math.round(marks[step] - previous);
    previous = marks[step];
  }
  durations.ready = Math.round(readyEpoch - previous);
  return durations as StartupBreakdown;
}

/** The client's life cycle, for status displays. */
export type SandboxState = 'stopped' | 'starting' | 'ready' | 'running';

/** What status displays show of a client. */
export interface SandboxStatus {
  readonly state: SandboxState;
  /** Runs waiting for their turn. */
  readonly queued: number;
  /** Facts about the sandbox, once it has started. */
  readonly info: SandboxInfo | undefined;
}

/** A run waiting in the queue, with what it asked for. */
interface QueuedRun {
  readonly record: RunRecord;
  readonly options: RunOptions;
  /** Fires when the run is cancelled while queued: it stops the preparation of its packages. */
  readonly cancel: AbortController;
}

interface Session {
  readonly transport: Transport;
  readonly ready: Promise<SandboxInfo>;
  /** Settle `ready`; later calls do nothing. */
  readonly resolveStart: (info: SandboxInfo) => void;
  readonly rejectStart: (error: Error) => void;
  /** When the sandbox was asked for, to measure its start (`performance.now()`, and epoch milliseconds). */
  readonly requested: number;
  readonly requestedEpoch: number;
  readonly frames: FrameReader;
  /** Ends a frame that was started and never finished. */
  readonly frameDeadline: FrameDeadline;
  /** Restarts the sandbox when the current run ignores an interrupt. */
  escalation?: ReturnType<typeof setTimeout>;
  /** Output characters received for the current run, capped or not. */
  received: number;
  /** Display messages and characters of display data received for the current run. */
  displays: { count: number; chars: number };
  started: boolean;
  /** The run the sandbox is executing. */
  current?: RunRecord;
  /** The packages sent with the current run, loaded once its result says so. */
  sentPackages: readonly PackageFile[];
  /** The packages this sandbox has loaded. */
  readonly packages: LoadedPackages;
  /** An input() question is out and unanswered. */
  asking: boolean;
  /** Set when the client ends the session on purpose: how to report the run it cuts short. */
  endedBecause?: (run: RunRecord) => RunResult;
  ended: boolean;
}

const DEFAULTS = { memoryLimitMb: 1024, timeoutMs: 0, maxOutputBytes: 10 * 2 ** 20, interruptGraceMs: 1000 };

/** A frame's body follows its header at once from a working sandbox; waiting longer means it never will. */
const FRAME_DEADLINE_MS = 10_000;

/** Output a run may send past the cap: the worker cuts bytes, and the relay decodes them in pieces. */
const OUTPUT_SLACK_CHARS = 2 ** 20;

/**
 * Runs Python in a sandbox: starts it lazily, queues runs, streams their output, enforces
 * timeouts and replaces the sandbox when it dies. Everything the sandbox sends is checked: a
 * message out of place or out of bounds is a protocol fault, which stops that sandbox.
 * A Python exception is a normal result; only a fault of the sandbox itself rejects a run.
 */
export class SandboxClient {
  private readonly options: Required<Pick<SandboxOptions, keyof typeof DEFAULTS>> & SandboxOptions;
  private session: Session | undefined;
  private info: SandboxInfo | undefined;
  private readonly waiting: QueuedRun[] = [];
  private pumping = false;
  private nextId = 1;
  private currentState: SandboxState = 'stopped';
  private readonly stateChanged = new Emitter<SandboxState>();
  private disposed = false;
  private readonly packageMemory: PackageMemory;
  /** Fires on every state change, and when the queue grows or shrinks. */
  readonly onDidChangeState = this.stateChanged.event;

  constructor(options: SandboxOptions) {
    this.options = { ...DEFAULTS, ...options };
    this.packageMemory = new PackageMemory((file) => options.transport.canRead(file));
  }

  /** The current life-cycle state. */
  get state(): SandboxState {
    return this.currentState;
  }

  /** Runs waiting behind the one that runs. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Isolation and runtime facts of the sandbox that is (or was last) ready. */
  get sandbox(): SandboxInfo | undefined {
    return this.info;
  }

  get status(): SandboxStatus {
    return { state: this.currentState, queued: this.waiting.length, info: this.info };
  }

  /** Starts the sandbox if it is not running; resolves once it can run code. */
  start(): Promise<SandboxInfo> {
    if (this.disposed) return Promise.reject(new SandboxError('the sandbox client was disposed', 'start'));
    if (!this.session || this.session.ended) this.session = this.open();
    return this.session.ready.catch((error: unknown) => {
      // The machine refused part of the launch before any of our code ran (see SandboxExit.retry):
      // the factory starts the next one without it, at the level that says so.
      if (error instanceof RetryStartError) return this.start();
      throw error;
    });
  }

  /** Queues a run behind any others; the run reports its progress and result. */
  run(mode: RunMode, code: string, options: RunOptions = {}): Run {
    const record = new RunRecord(this.nextId++, mode, code, options.label, this.options.maxOutputBytes, (run) => this.interruptRun(run));
    if (this.disposed) {
      record.fail(new SandboxError('the sandbox was shut down', 'start'));
      return record;
    }
    const problem = checkCode(code);
    if (problem) {
      queueMicrotask(() => record.finish(failure(mode, problem.type, problem.message)));
      return record;
    }
    this.waiting.push({ record, options, cancel: new AbortController() });
    this.emitState();
    void this.pump();
    return record;
  }

  /** Runs statements; the result's output is everything they printed. */
  exec(code: string, options?: RunOptions): Promise<RunResult> {
    return this.run('exec', code, options).result;
  }

  /** Evaluates an expression; the result's value is its `json.dumps`. */
  eval(expression: string, options?: RunOptions): Promise<RunResult> {
    return this.run('eval', expression, options).result;
  }

  /** Raises KeyboardInterrupt in the running code; with none running, cancels the next queued run. */
  interrupt(): void {
    (this.session?.current ?? this.waiting[0]?.record)?.interrupt();
  }

  /** Replaces the sandbox with a fresh one; a run in progress ends with an error, queued runs wait for the new one. */
  async restart(): Promise<SandboxInfo> {
    if (this.session) {
      this.end(this.session, (run) =>
        failure(run.mode, 'RuntimeError', 'the sandbox was restarted before the code finished', run.partial()),
      );
    }
    return this.start();
  }

  /** Forgets the packages earlier sandboxes loaded (say, the cache was cleared): a new sandbox loads only what its runs need. */
  forgetPackages(): void {
    this.packageMemory.forget();
  }

  /** Kills the sandbox; runs in progress or queued end with an error and later runs are refused. */
  dispose(): void {
    this.disposed = true;
    for (const { record, cancel } of this.waiting.splice(0)) {
      cancel.abort();
      record.finish(failure(record.mode, 'RuntimeError', 'the sandbox was shut down before the code ran'));
    }
    if (this.session) {
      this.end(this.session, (run) =>
        failure(run.mode, 'RuntimeError', 'the sandbox was shut down before the code finished', run.partial()),
      );
    }
    this.stateChanged.dispose();
  }

  /** Takes queued runs one at a time, starting the sandbox whenever there is none. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const next = this.waiting[0];
        // The sandbox starts while the packages are found and downloaded.
        const starting = this.start();
        starting.catch(() => undefined); // awaited below, once the packages are ready
        const packages = await preparePackages(next);
        let session: Session;
        try {
          await starting;
          // Started again if it stopped while the packages were prepared.
          await this.start();
          session = this.session!;
        } catch (error) {
          this.dequeue(next);
          next.record.fail(error instanceof Error ? error : new SandboxError(String(error), 'start'));
          continue;
        }
        // Cancelled while the sandbox started or the packages were prepared.
        if (!this.dequeue(next)) continue;
        if (packages instanceof Error) {
          next.record.finish(failure(next.record.mode, 'PackageError', packages.message, { packagesFailed: true }));
          continue;
        }
        await this.execute(session, next, packages);
      }
    } finally {
      this.pumping = false;
      this.setState(this.session && !this.session.ended ? 'ready' : 'stopped', true);
    }
  }

  /** Removes a run from the queue; false when it had already left (cancelled). */
  private dequeue(entry: QueuedRun): boolean {
    const index = this.waiting.indexOf(entry);
    if (index === -1) return false;
    this.waiting.splice(index, 1);
    return entry.record.state === 'queued';
  }

  private async execute(session: Session, { record, options }: QueuedRun, packages: readonly PreparedPackage[]): Promise<void> {
    if (session.ended) {
      record.fail(new SandboxError('the sandbox stopped before the run could start; the next run starts a new one', 'crash'));
      return;
    }
    const selection = this.packageMemory.select(session.packages, packages);
    if (typeof selection === 'string') {
      record.finish(failure(record.mode, 'PackageError', selection, { packagesFailed: true }));
      return;
    }
    record.packages = selection.loads;
    session.sentPackages = selection.files;
    session.current = record;
    session.received = 0;
    session.displays = { count: 0, chars: 0 };
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeout =
      timeoutMs > 0
        ? setTimeout(() => {
            record.timedOutAfterMs = timeoutMs;
            record.interrupt();
          }, timeoutMs)
        : undefined;
    this.setState('running', true);
    record.markStarted();
    session.transport.send({
      type: 'run',
      id: record.id,
      request: {
        mode: record.mode,
        code: record.code,
        fresh: options.fresh ?? false,
        discardOutput: options.discardOutput ?? false,
        captureLastValue: options.captureLastValue ?? false,
        displayLastValue: options.displayLastValue ?? 'none',
        ...(options.executionCount !== undefined ? { executionCount: options.executionCount } : {}),
        maxOutputBytes: this.options.maxOutputBytes,
        ...(selection.files.length > 0 ? { packages: selection.files } : {}),
      },
    });
    try {
      await record.result;
    } catch {
      // The run's observers get the error; the queue moves on.
    } finally {
      clearTimeout(timeout);
      clearTimeout(session.escalation);
      session.escalation = undefined;
      if (session.current === record) {
        session.current = undefined;
        session.asking = false;
      }
    }
  }

  private interruptRun(run: RunRecord): void {
    const session = this.session;
    if (run.state === 'running' && session && !session.ended && session.current === run) {
      if (session.transport.cannotInterrupt !== undefined) {
        this.stopUninterruptible(session, run, session.transport.cannotInterrupt);
        return;
      }
      // The interrupt itself wakes a pending input(); no reply follows the withdrawn question.
      session.asking = false;
      run.cancelInput();
      session.transport.send({ type: 'interrupt', id: run.id });
      session.escalation ??= setTimeout(() => this.stopIgnoredInterrupt(session, run), this.options.interruptGraceMs);
      return;
    }
    const index = this.waiting.findIndex((entry) => entry.record === run);
    if (index === -1) return;
    this.waiting.splice(index, 1)[0].cancel.abort();
    run.finish(failure(run.mode, 'KeyboardInterrupt', 'the run was cancelled before it started'));
    this.emitState();
  }

  /** Code that ignores an interrupt (a loop inside C) is stopped with its sandbox. */
  private stopIgnoredInterrupt(session: Session, run: RunRecord): void {
    if (session.current !== run) return;
    const seconds = run.timedOutAfterMs === undefined ? undefined : run.timedOutAfterMs / 1000;
    this.end(session, (cut) =>
      seconds === undefined
        ? failure(
            cut.mode,
            'KeyboardInterrupt',
            'the code did not stop when interrupted; the sandbox was restarted and its namespace lost',
            cut.partial(),
          )
        : failure(
            cut.mode,
            'TimeoutError',
            `the code ran longer than ${seconds} s and did not stop when interrupted; the sandbox was restarted and its namespace lost`,
            cut.partial(),
          ),
    );
  }

  /**
   * A sandbox that cannot be interrupted in place is replaced at once, and a fresh one started:
   * the run ends as interrupted (or timed out), with its namespace lost.
   */
  private stopUninterruptible(session: Session, run: RunRecord, reason: string): void {
    const seconds = run.timedOutAfterMs === undefined ? undefined : run.timedOutAfterMs / 1000;
    const lost = `the sandbox cannot be interrupted in place (${reason}), so it was stopped and a fresh one started; the namespace was lost`;
    this.end(session, (cut) =>
      seconds === undefined
        ? failure(cut.mode, 'KeyboardInterrupt', lost, cut.partial())
        : failure(cut.mode, 'TimeoutError', `the code ran longer than ${seconds} s; ${lost}`, cut.partial()),
    );
    this.start().catch(() => undefined); // a start that fails is reported to the next run
  }

  private open(): Session {
    const requested = performance.now();
    const requestedEpoch = epochMs();
    const start: SandboxStart = {
      memoryLimitMb: this.options.memoryLimitMb,
      inputEnabled: this.options.input === true,
      boot: this.options.snapshot === false ? 'plain' : 'snapshot',
    };
    let resolveStart!: Session['resolveStart'];
    let rejectStart!: Session['rejectStart'];
    const ready = new Promise<SandboxInfo>((resolve, reject) => ((resolveStart = resolve), (rejectStart = reject)));
    ready.catch(() => undefined); // a failed start is reported to whoever awaits it, not as unhandled
    const events = {
      data: (bytes: Uint8Array) => this.receive(session, bytes),
      exit: (exit: SandboxExit) => this.exited(session, exit),
    };
    const transport = this.options.transport.start(start, events);
    const session: Session = {
      transport,
      ready,
      resolveStart,
      rejectStart,
      requested,
      requestedEpoch,
      frames: new FrameReader(),
      frameDeadline: new FrameDeadline(FRAME_DEADLINE_MS, (why) => this.fault(session, why)),
      started: false,
      asking: false,
      received: 0,
      displays: { count: 0, chars: 0 },
      ended: false,
      sentPackages: [],
      packages: new Map(),
    };
    this.setState('starting');
    return session;
  }

  /** Bytes from the sandbox: decoded, checked, then acted on; any fault stops the sandbox. */
  private receive(session: Session, bytes: Uint8Array): void {
    if (session.ended) return;
    let completed = 0;
    try {
      for (const raw of session.frames.push(bytes)) {
        completed++;
        this.dispatch(session, parseSandboxMessage(raw));
        if (session.ended) return;
      }
    } catch (error) {
      this.fault(session, error instanceof Error ? error.message : 'an unreadable message');
      return;
    }
    session.frameDeadline.update(session.frames, completed);
  }

  /** Acts on a well-formed message, or throws ProtocolError when it does not fit the moment. */
  private dispatch(session: Session, message: SandboxMessage): void {
    if (message.type === 'ready' || message.type === 'failed') {
      if (session.started) throw new ProtocolError(`a '${message.type}' message came after start-up`);
      session.started = true;
      if (message.type === 'failed') {
        const reported = this.options.transport.sanitize(message.message);
        session.rejectStart(new SandboxError('the sandbox could not start; it reported a failure', 'start', reported));
        this.end(session);
      } else {
        this.ready(session, message.restrictions, message.runtime);
      }
      return;
    }
    const run = session.current;
    if (!session.started || !run || message.id !== run.id)
      throw new ProtocolError(`a '${message.type}' message named a run that is not running`);
    switch (message.type) {
      case 'output':
        // The worker cuts output at the cap; a sandbox that keeps sending is flooding the client.
        session.received += message.text.length;
        if (session.received > this.options.maxOutputBytes + OUTPUT_SLACK_CHARS) throw new ProtocolError('output went on past the cap');
        run.write(message.stream, message.text);
        return;
      case 'display':
        countDisplay(session.displays, message.items);
        run.display({ kind: message.kind, items: message.items, displayId: message.displayId, wait: message.wait });
        return;
      case 'input-request':
        if (!this.options.input || session.asking) throw new ProtocolError('an input request came when none was possible');
        session.asking = true;
        void run.askForInput(message.prompt).then((text) => {
          if (session.ended || session.current !== run || !session.asking) return;
          session.asking = false;
          session.transport.send({ type: 'input-reply', id: run.id, text });
        });
        return;
      case 'result': {
        const { outcome } = message;
        if (outcome.packageError !== undefined && session.sentPackages.length === 0)
          throw new ProtocolError('a package error came for a run without packages');
        // From here on, anything more about this run is out of place.
        session.current = undefined;
        session.asking = false;
        if (outcome.packageError !== undefined) {
          this.packagesNotLoaded(session, run, outcome.packageError);
          return;
        }
        this.packageMemory.remember(session.packages, session.sentPackages);
        session.sentPackages = [];
        let error = outcome.error;
        if (error?.type === 'KeyboardInterrupt' && run.timedOutAfterMs !== undefined) {
          error = {
            ...error,
            type: 'TimeoutError',
            message: `the code ran longer than ${run.timedOutAfterMs / 1000} s and was interrupted`,
          };
        }
        run.finish({
          ...run.partial(),
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

  /** The sandbox could not load the run's packages, so its code did not run: the run's result says which and why. */
  private packagesNotLoaded(session: Session, run: RunRecord, reason: string): void {
    // A remembered file that is gone from the cache must not fail every later run.
    this.packageMemory.forget();
    const names = session.sentPackages.map((file) => file.name).join(', ');
    session.sentPackages = [];
    const reported = this.options.transport.sanitize(reason);
    run.finish(
      failure(run.mode, 'PackageError', `the sandbox could not load ${names}; the code did not run. It reported: ${reported}`, {
        packagesFailed: true,
      }),
    );
  }

  private ready(session: Session, restrictions: Restrictions, runtime: RuntimeInfo): void {
    const assessment = this.options.transport.assess(restrictions);
    if ('refusal' in assessment) {
      session.rejectStart(new SandboxError(`refusing to run code: ${assessment.refusal}`, 'start'));
      this.end(session);
      return;
    }
    this.info = {
      isolation: assessment.level,
      restrictions,
      runtime,
      startMs: Math.round(performance.now() - session.requested),
      pid: session.transport.pid,
      osIsolated: session.transport.osIsolated === true,
      ...(runtime.startup ? { startup: startupBreakdown(session.requestedEpoch, runtime.startup, epochMs()) } : {}),
    };
    session.resolveStart(this.info);
    this.setState(this.waiting.length > 0 ? 'running' : 'ready');
  }

  /** The sandbox sent what it must not: stop it, and fail the run it was serving. */
  private fault(session: Session, reason: string): void {
    if (session.ended) return;
    const error = new SandboxError(
      `the sandbox broke the protocol (${reason}); it was stopped, and the next run starts a fresh one`,
      'protocol',
    );
    session.rejectStart(error);
    session.current?.fail(error);
    this.end(session);
  }

  /** Ends a session on purpose; `report` says how the run it cuts short is reported. */
  private end(session: Session, report?: (run: RunRecord) => RunResult): void {
    if (session.ended) return;
    session.endedBecause = report;
    session.transport.kill();
    this.exited(session, { description: 'the sandbox was stopped' });
  }

  private exited(session: Session, exit: SandboxExit): void {
    if (session.ended) return;
    session.ended = true;
    const report = session.endedBecause;
    session.frameDeadline.clear();
    clearTimeout(session.escalation);
    if (exit.retry && !session.started) session.rejectStart(new RetryStartError());
    session.rejectStart(new SandboxError(`the sandbox could not start: ${exit.description}`, 'start', exit.stderr));
    // It ended with packages sent and no result: their load may be what hung or crashed it (a
    // library that loops or eats memory as it loads), and a new sandbox must not load them again
    // before every later run.
    if (session.sentPackages.length > 0) this.packageMemory.forget();
    const run = session.current;
    if (run && report) {
      run.finish({ ...report(run), restarted: true });
    } else if (run && exit.memoryLimitMb) {
      run.finish(
        failure(
          run.mode,
          'MemoryError',
          `out of memory: the sandbox process used more than its ${exit.memoryLimitMb} MiB limit and was stopped; the runtime was restarted`,
          {
            ...run.partial(),
            restarted: true,
          },
        ),
      );
    } else if (run) {
      run.fail(
        new SandboxError(
          `the sandbox crashed and was lost with its namespace (${exit.description}); the next run starts a new one`,
          'crash',
          exit.stderr,
        ),
      );
    }
    if (this.session === session) this.setState('stopped');
  }

  /** @param always emit even when the state is unchanged: the queue length is part of what listeners show. */
  private setState(state: SandboxState, always = false): void {
    if (state === this.currentState && !always) return;
    this.currentState = state;
    this.emitState();
  }

  private emitState(): void {
    this.stateChanged.fire(this.currentState);
  }
}

/** The packages a queued run needs, or why it cannot have them; never rejects. */
async function preparePackages({ options, cancel }: QueuedRun): Promise<readonly PreparedPackage[] | Error> {
  if (!options.packages) return [];
  try {
    return await options.packages(cancel.signal);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The machine refused part of the launch, and the factory goes without it next time: the client starts again. */
class RetryStartError extends SandboxError {
  constructor() {
    super('the machine refused part of the sandbox launch', 'start');
  }
}

/** Counts a run's display data; the worker stops at the limits, so a sandbox past them is flooding the client. */
function countDisplay(displays: Session['displays'], items: readonly DisplayItem[]): void {
  displays.count++;
  displays.chars += items.reduce((n, item) => n + item.data.length, 0);
  if (displays.count > MESSAGE_LIMITS.displaysPerRun || displays.chars > MESSAGE_LIMITS.displayCharsPerRun)
    throw new ProtocolError('display data went on past the limits of a run');
}
