/**
 * Runs Python in a sandbox: starts it lazily, queues runs, streams their output, enforces
 * timeouts and replaces the sandbox when it ends. Three parts, each in its file:
 * - the queue (run-queue.ts): runs waiting for their turn;
 * - the sandbox (connection.ts): one sandbox's life, from asking for it to its end, and the
 *   messages it may send in each of its phases;
 * - the run in the sandbox (active-run.ts): from its code being sent to its result;
 * - a variables query (inspection.ts): served between runs, when no run waits.
 * This file serves the queue with a sandbox, starting a new one whenever there is none, and
 * keeps the state that status displays show:
 *
 *   stopped ──start──▶ starting ──sandbox ready──▶ ready ──run sent──▶ running
 *      ▲                  │         (runs waiting: running)  ▲              │
 *      │                  │                                  └─queue done───┘
 *      └── sandbox ended ─┴──────── (from any state) ────────────────────────
 *
 * No `vscode` and no Node import here: each platform brings its transports (`node-client.ts`
 * for the extension host in Node, the CLI and the tests; `browser/` for the web worker
 * extension host).
 */
import { ActiveRun, CUT_SHORT } from './active-run';
import { RetryStartError, SandboxConnection, type SandboxInfo } from './connection';
import { Emitter } from './events';
import { NOT_INSPECTED, type Inspection, type InspectOptions } from './inspection';
import { PackageMemory, type PreparedPackage, type PreparePackages } from './package-memory';
import type { LastValueDisplay, OutputFile, RunMode, RunScript, VariablesQuery } from './protocol';
import { checkCode, failure, type RunResult } from './result';
import { RunRecord, type Run } from './run';
import { preparePackages, prepareWorkspace, RunQueue, type QueuedRun } from './run-queue';
import { FileAccessError, planWorkspace, type PrepareWorkspace, type PreparedWorkspace, type WorkspacePlan } from './workspace-files';
import { SandboxError } from './sandbox-error';
import type { TransportFactory } from './transport/transport';

export { SandboxError, type SandboxFault } from './sandbox-error';
export type { Inspection, InspectOptions } from './inspection';
export type { SandboxInfo, StartupBreakdown } from './connection';

/** How a client starts and limits its sandbox. Every field but the transport has a default. */
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
  /** Most megabytes of workspace files its runs may be handed (default 0: none); a sandbox process may use that much more memory. */
  readonly maxReadableMb?: number;
  /** How that limit is set, named in the error past it (a setting, a flag). */
  readonly readableLimitName?: string;
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
  /** The workspace files the run may read and its working directory, listed when the run is next in the queue. */
  readonly workspace?: PrepareWorkspace;
  /** Instead of running code, fetch this output file of an earlier run (see `readOutputFile`). */
  readonly readOutput?: OutputFile;
  /** For exec: the code is this script file, run as python3 runs one (`__file__`, `sys.argv`). */
  readonly script?: RunScript;
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

/** What moves the client's state (see the diagram above). */
type ClientEvent = 'asked for a sandbox' | 'sandbox ready' | 'run sent' | 'queue done' | 'sandbox ended' | 'queue changed';

const DEFAULTS = {
  memoryLimitMb: 1024,
  timeoutMs: 0,
  maxOutputBytes: 10 * 2 ** 20,
  interruptGraceMs: 1000,
  maxReadableMb: 0,
  readableLimitName: 'the limit on workspace files',
};

/**
 * A sandbox for a queue of runs. Everything the sandbox sends is checked: a message out of place
 * or out of bounds is a protocol fault, which ends that sandbox. A Python exception is a normal
 * result; only a fault of the sandbox itself rejects a run.
 */
export class SandboxClient {
  private readonly options: Required<Pick<SandboxOptions, keyof typeof DEFAULTS>> & SandboxOptions;
  private currentState: SandboxState = 'stopped';
  /** The sandbox that serves the queue; a new one is made when it has ended. */
  private connection: SandboxConnection | undefined;
  /** Facts about the sandbox that is (or was last) ready. */
  private info: SandboxInfo | undefined;
  private readonly queue = new RunQueue();
  /** The queue is being served. */
  private pumping = false;
  /** Variables queries waiting for the runs to be done. */
  private readonly inspections: Array<{ readonly query: VariablesQuery; readonly resolve: (inspection: Inspection) => void }> = [];
  /** The query with the sandbox: a run waits for its answer. */
  private inspecting: Promise<Inspection> | undefined;
  private nextId = 1;
  private disposed = false;
  private readonly stateChanged = new Emitter<SandboxState>();
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
    return this.queue.length;
  }

  /** Isolation and runtime facts of the sandbox that is (or was last) ready. */
  get sandbox(): SandboxInfo | undefined {
    return this.info;
  }

  get status(): SandboxStatus {
    return { state: this.currentState, queued: this.queue.length, info: this.info };
  }

  /** Starts the sandbox if there is none; resolves once it can run code. */
  start(): Promise<SandboxInfo> {
    if (this.disposed) return Promise.reject(new SandboxError('the sandbox client was disposed', 'start'));
    if (!this.connection || this.connection.ended) this.connection = this.connect();
    return this.connection.ready.catch((error: unknown) => {
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
    this.queue.push(record, options);
    this.transition('queue changed');
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

  /**
   * Reads the namespace of the running sandbox (never starts one): after the runs queued and
   * running, or with `ifIdle` only when there are none. It is no run: status displays do not
   * see it, and nothing of it enters the runtime's history. Never rejects: what has no answer says why.
   */
  inspect(query: VariablesQuery, options: InspectOptions = {}): Promise<Inspection> {
    if (this.disposed) return Promise.resolve({ unavailable: NOT_INSPECTED.shutDown });
    if (!this.connection || this.connection.ended || this.currentState === 'stopped' || this.currentState === 'starting')
      return Promise.resolve({ unavailable: NOT_INSPECTED.notRunning });
    if (options.ifIdle && (this.pumping || this.queue.length > 0)) return Promise.resolve({ unavailable: NOT_INSPECTED.busy });
    return new Promise<Inspection>((resolve) => {
      this.inspections.push({ query, resolve });
      void this.serveInspections();
    });
  }

  /**
   * The bytes of a file an earlier run wrote under output/ (as its result listed it), read from
   * the sandbox in the queue's order. Rejects when the sandbox no longer has that version of it
   * (a later run changed it, or the runtime restarted).
   */
  async readOutputFile(file: OutputFile): Promise<Uint8Array> {
    const result = await this.run('exec', '', { label: file.path, readOutput: file }).result;
    if (result.error || !result.file) throw new FileAccessError(result.error?.message ?? `${file.path} could not be read from the sandbox`);
    return result.file;
  }

  /** Raises KeyboardInterrupt in the running code; with none running, cancels the next queued run. */
  interrupt(): void {
    (this.connection?.running?.record ?? this.queue.first?.record)?.interrupt();
  }

  /** Replaces the sandbox with a fresh one; a run in progress ends with an error, queued runs wait for the new one. */
  async restart(): Promise<SandboxInfo> {
    this.connection?.end(CUT_SHORT.restart);
    return this.start();
  }

  /** Forgets the packages earlier sandboxes loaded (say, the cache was cleared): a new sandbox loads only what its runs need. */
  forgetPackages(): void {
    this.packageMemory.forget();
  }

  /** Kills the sandbox; runs in progress or queued end with an error and later runs are refused. */
  dispose(): void {
    this.disposed = true;
    this.queue.cancelAll((record) => failure(record.mode, 'RuntimeError', 'the sandbox was shut down before the code ran'));
    for (const { resolve } of this.inspections.splice(0)) resolve({ unavailable: NOT_INSPECTED.shutDown });
    this.connection?.end(CUT_SHORT.shutDown);
    this.stateChanged.dispose();
  }

  /** The one place the client's state changes. */
  private transition(event: ClientEvent): void {
    switch (event) {
      case 'asked for a sandbox':
        return this.enter('starting');
      case 'sandbox ready':
        return this.enter(this.queue.length > 0 ? 'running' : 'ready');
      case 'run sent':
        return this.enter('running', true);
      case 'queue done':
        return this.enter(this.connection && !this.connection.ended ? 'ready' : 'stopped', true);
      case 'sandbox ended':
        return this.enter('stopped');
      case 'queue changed':
        return this.stateChanged.fire(this.currentState);
    }
  }

  /** @param always tell listeners even when the state is unchanged: the queue length is part of what they show. */
  private enter(state: SandboxState, always = false): void {
    if (state === this.currentState && !always) return;
    this.currentState = state;
    this.stateChanged.fire(state);
  }

  private connect(): SandboxConnection {
    const connection: SandboxConnection = new SandboxConnection({
      transport: this.options.transport,
      start: {
        memoryLimitMb: this.options.memoryLimitMb,
        readableMb: this.options.maxReadableMb,
        inputEnabled: this.options.input === true,
        boot: this.options.snapshot === false ? 'plain' : 'snapshot',
      },
      input: this.options.input === true,
      interruptGraceMs: this.options.interruptGraceMs,
      packageMemory: this.packageMemory,
      onReady: (info) => {
        this.info = info;
        this.transition('sandbox ready');
      },
      onEnd: () => {
        if (this.connection === connection) this.transition('sandbox ended');
      },
    });
    this.transition('asked for a sandbox');
    return connection;
  }

  /** Takes queued runs one at a time, starting a sandbox whenever there is none. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.first) {
        const next = this.queue.first;
        // The sandbox starts while the packages are found and downloaded.
        const starting = this.start();
        starting.catch(() => undefined); // awaited below, once the packages are ready
        const [packages, workspace] = await Promise.all([preparePackages(next), prepareWorkspace(next)]);
        let connection: SandboxConnection;
        try {
          await starting;
          // Started again if it ended while the packages were prepared.
          await this.start();
          connection = this.connection!;
        } catch (error) {
          this.queue.take(next);
          next.record.fail(error instanceof Error ? error : new SandboxError(String(error), 'start'));
          continue;
        }
        // The files are read while the run can still be cancelled.
        const plan = await this.planWorkspace(connection, workspace);
        // Cancelled while the sandbox started, the packages were prepared or the files read.
        if (!this.queue.take(next)) continue;
        if (packages instanceof Error) {
          next.record.finish(failure(next.record.mode, 'PackageError', packages.message, { packagesFailed: true }));
          continue;
        }
        if (plan instanceof Error) {
          next.record.finish(failure(next.record.mode, 'FileAccessError', plan.message, { filesFailed: true }));
          continue;
        }
        await this.execute(connection, next, packages, plan);
      }
    } finally {
      this.pumping = false;
      this.transition('queue done');
      void this.serveInspections();
    }
  }

  /** Sends waiting queries one at a time while no run is queued; a runtime a query ended is started again. */
  private async serveInspections(): Promise<void> {
    if (this.inspecting) return;
    while (this.inspections.length > 0 && !this.pumping && this.queue.length === 0) {
      const { query, resolve } = this.inspections.shift()!;
      const connection = this.connection;
      if (!connection?.idle) {
        resolve({ unavailable: NOT_INSPECTED.notRunning });
        continue;
      }
      const inspection = await (this.inspecting = connection.inspect(this.nextId++, query));
      this.inspecting = undefined;
      if ('restarted' in inspection && inspection.restarted && !this.disposed) this.start().catch(() => undefined); // reported to the next run
      resolve(inspection);
    }
  }

  /** What to send the sandbox of the run's workspace, given what it holds; an Error when the run cannot have it. */
  private async planWorkspace(
    connection: SandboxConnection,
    workspace: PreparedWorkspace | Error | undefined,
  ): Promise<WorkspacePlan | Error | undefined> {
    if (!workspace || workspace instanceof Error) return workspace;
    const { maxReadableMb, readableLimitName } = this.options;
    try {
      return await planWorkspace(workspace, connection.held, maxReadableMb * 2 ** 20, readableLimitName);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Sends a run to the sandbox, with the packages it must load first and its files; resolves once the run has ended. */
  private async execute(
    connection: SandboxConnection,
    { record, options }: QueuedRun,
    packages: readonly PreparedPackage[],
    workspace: WorkspacePlan | undefined,
  ): Promise<void> {
    // A query that was sent before the run came is answered first: the sandbox does one thing at a time.
    await this.inspecting;
    if (connection.ended) {
      record.fail(new SandboxError('the sandbox stopped before the run could start; the next run starts a new one', 'crash'));
      return;
    }
    const selection = this.packageMemory.select(connection.loaded, packages);
    if (typeof selection === 'string') {
      record.finish(failure(record.mode, 'PackageError', selection, { packagesFailed: true }));
      return;
    }
    record.packages = selection.loads;
    const { maxOutputBytes } = this.options;
    const { readOutput } = options;
    const run = new ActiveRun(record, selection.files, {
      maxOutputBytes,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs,
      workspace: workspace !== undefined,
      ...(readOutput ? { readOutput } : {}),
    });
    this.transition('run sent');
    connection.send(
      run,
      {
        mode: record.mode,
        code: record.code,
        fresh: options.fresh ?? false,
        discardOutput: options.discardOutput ?? false,
        captureLastValue: options.captureLastValue ?? false,
        displayLastValue: options.displayLastValue ?? 'none',
        ...(options.executionCount !== undefined ? { executionCount: options.executionCount } : {}),
        maxOutputBytes,
        ...(selection.files.length > 0 ? { packages: selection.files } : {}),
        ...(readOutput ? { readOutput } : {}),
        ...(options.script ? { script: options.script } : {}),
      },
      workspace,
    );
    try {
      await record.result;
    } catch {
      // The run's observers get the error; the queue moves on.
    } finally {
      run.dispose();
    }
  }

  /** A run's interrupt(): raised in the sandbox when the run is there, else the run leaves the queue. */
  private interruptRun(record: RunRecord): void {
    const connection = this.connection;
    const running = connection?.running;
    if (connection && running?.record === record && record.state === 'running') {
      // A sandbox that cannot be interrupted in place was ended: a fresh one starts at once.
      if (!connection.interrupt(running)) this.start().catch(() => undefined); // a start that fails is reported to the next run
      return;
    }
    if (this.queue.cancel(record, failure(record.mode, 'KeyboardInterrupt', 'the run was cancelled before it started')))
      this.transition('queue changed');
  }
}
