/**
 * One sandbox from the moment the client asks for it until it ends: a process, a thread or a
 * browser worker behind a transport. It reads and checks what the sandbox sends, and moves
 * through its phases:
 *
 *   starting ──ready──▶ idle ──send──▶ running ──interrupt──▶ interrupting
 *                        ▲ │              │                        │
 *                        │ │              └──── result ────────────┘
 *                        │ └──inspect──▶ inspecting (a variables query, between runs)
 *                        └──── result ─────────┘
 *
 * and from any of them to `ended`: it failed to start or was refused, it exited or crashed, it
 * broke the protocol, a result asked for a fresh runtime (the memory cap), or the client ended
 * it (restart, shut down, an interrupt it ignored, a variables query that would not stop). Each phase names the messages the sandbox
 * may send in it; anything else is a protocol fault, which ends it. No `vscode` and no Node import.
 */
import { CUT_SHORT, cutShortUninterruptible, type ActiveRun, type CutShort } from './active-run';
import { FrameDeadline, FrameReader } from './framing';
import { InterruptGrace } from './interrupt-grace';
import { ActiveInspection, INSPECTION_SLACK_MS, NOT_INSPECTED, type Inspection } from './inspection';
import type { LoadedPackages, PackageMemory } from './package-memory';
import {
  parseSandboxMessage,
  type VariablesAnswer,
  STARTUP_STEPS,
  type Restrictions,
  type RunRequest,
  type RuntimeInfo,
  type SandboxMessage,
  type StartupMarks,
  type VariablesQuery,
} from './protocol';
import { failure } from './result';
import { SandboxError } from './sandbox-error';
import { ProtocolError } from './schema';
import { epochMs } from './shared/clock';
import type { IsolationLevel, SandboxExit, SandboxStart, Transport, TransportFactory } from './transport/transport';

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

/** The machine refused part of the launch, and the factory goes without it next time: the client starts again. */
export class RetryStartError extends SandboxError {
  constructor() {
    super('the machine refused part of the sandbox launch', 'start');
  }
}

/** Where a sandbox is in its life, with what that phase holds. */
export type Phase =
  | { readonly name: 'starting' }
  | { readonly name: 'idle' }
  | { readonly name: 'running'; readonly run: ActiveRun }
  /** An interrupt was sent; past the grace period the sandbox is ended under the run. */
  | { readonly name: 'interrupting'; readonly run: ActiveRun; readonly grace: InterruptGrace }
  /** A variables query is with the sandbox (see inspection.ts). */
  | { readonly name: 'inspecting'; readonly inspection: ActiveInspection }
  | { readonly name: 'ended' };

type PhaseName = Phase['name'];

/** Where each phase may lead. */
const NEXT: Readonly<Record<PhaseName, readonly PhaseName[]>> = {
  starting: ['idle', 'ended'],
  idle: ['running', 'inspecting', 'ended'],
  running: ['interrupting', 'idle', 'ended'],
  interrupting: ['idle', 'ended'],
  inspecting: ['idle', 'ended'],
  ended: [],
};

/** What the sandbox may send in each phase; the run messages must also name the run in progress. */
const ALLOWED: Readonly<Record<PhaseName, ReadonlyArray<SandboxMessage['type']>>> = {
  starting: ['ready', 'failed'],
  idle: [],
  running: ['output', 'display', 'input-request', 'result'],
  interrupting: ['output', 'display', 'input-request', 'result'],
  inspecting: ['variables-result'],
  ended: [],
};

/** A frame's body follows its header at once from a working sandbox; waiting longer means it never will. */
const FRAME_DEADLINE_MS = 10_000;

/** What a sandbox needs from its client. */
export interface ConnectionOptions {
  readonly transport: TransportFactory;
  readonly start: SandboxStart;
  /** Whether the runs' observers answer input(); otherwise an input request is a protocol fault. */
  readonly input: boolean;
  /** How long an interrupted run may take to stop before the sandbox is ended under it. */
  readonly interruptGraceMs: number;
  /** The packages the client's sandboxes loaded: a new one loads them again. */
  readonly packageMemory: PackageMemory;
  /** The sandbox is ready to run code. */
  readonly onReady: (info: SandboxInfo) => void;
  /** The sandbox ended (whatever ended it). Called once. */
  readonly onEnd: () => void;
}

/** One sandbox, from asking for it to its end. */
export class SandboxConnection {
  /** Resolves once the sandbox can run code; rejects when it cannot start. */
  readonly ready: Promise<SandboxInfo>;
  /** The packages this sandbox has loaded. */
  readonly loaded: LoadedPackages = new Map();
  private phase: Phase = { name: 'starting' };
  private settleReady!: { resolve: (info: SandboxInfo) => void; reject: (error: Error) => void };
  /** When the sandbox was asked for, to measure its start (`performance.now()`, and epoch milliseconds). */
  private readonly requested = performance.now();
  private readonly requestedEpoch = epochMs();
  private readonly frames = new FrameReader();
  /** Ends a frame that was started and never finished. */
  private readonly frameDeadline = new FrameDeadline(FRAME_DEADLINE_MS, (why) => this.fault(why));
  /** Set when the client ends the sandbox on purpose: how to report the run it cuts short. */
  private cutShort: CutShort | undefined;
  /** Set when the sandbox is ended under a variables query: what its answer says. */
  private inspectionEnd: string | undefined;
  private readonly transport: Transport;

  constructor(private readonly options: ConnectionOptions) {
    this.ready = new Promise<SandboxInfo>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // a failed start is reported to whoever awaits it, not as unhandled
    this.transport = options.transport.start(options.start, {
      data: (bytes) => this.receive(bytes),
      exit: (exit) => this.exited(exit),
    });
  }

  get ended(): boolean {
    return this.phase.name === 'ended';
  }

  /** Ready, and neither running code nor answering a query: a query may be sent. */
  get idle(): boolean {
    return this.phase.name === 'idle';
  }

  /** The run whose code is with the sandbox, if any. */
  get running(): ActiveRun | undefined {
    return this.phase.name === 'running' || this.phase.name === 'interrupting' ? this.phase.run : undefined;
  }

  /** Sends a run to the idle sandbox; its messages are allowed from now until its result. */
  send(run: ActiveRun, request: RunRequest): void {
    this.enter({ name: 'running', run });
    run.record.markStarted();
    this.transport.send({ type: 'run', id: run.record.id, request });
  }

  /**
   * Sends a variables query to the idle sandbox. Resolves with its answer, or with why there is
   * none; never rejects. A query that outlives its budget is interrupted, then ended with its sandbox.
   */
  inspect(id: number, query: VariablesQuery): Promise<Inspection> {
    return new Promise<Inspection>((resolve) => {
      const inspection: ActiveInspection = new ActiveInspection(id, query, resolve, () => this.overdue(inspection));
      this.enter({ name: 'inspecting', inspection });
      this.transport.send({ type: 'variables', id, query });
    });
  }

  /** A query went past its budget and the slack: the sandbox's own budget did not stop what it read. */
  private overdue(inspection: ActiveInspection): void {
    const seconds = (inspection.query.budget.totalMs + INSPECTION_SLACK_MS) / 1000;
    const lost = 'the runtime was restarted and its namespace lost';
    if (this.transport.cannotInterrupt !== undefined) {
      this.inspectionEnd = `reading a value went on past ${seconds} s, and the sandbox cannot be interrupted in place (${this.transport.cannotInterrupt}); ${lost}`;
      this.end();
      return;
    }
    this.transport.send({ type: 'interrupt', id: inspection.id });
    inspection.escalateAfter(this.options.interruptGraceMs, () => {
      this.inspectionEnd = `reading a value went on past ${seconds} s and did not stop when interrupted (code that turns tracing off, or a loop in C); ${lost}`;
      this.end();
    });
  }

  /**
   * Raises KeyboardInterrupt in the run, and ends the sandbox under it if it has not stopped
   * within the grace period. A sandbox that cannot be interrupted in place is ended at once.
   * @returns false when the sandbox was ended (the client starts a fresh one).
   */
  interrupt(run: ActiveRun): boolean {
    if (this.transport.cannotInterrupt !== undefined) {
      this.end(cutShortUninterruptible(this.transport.cannotInterrupt));
      return false;
    }
    run.withdrawQuestion();
    this.transport.send({ type: 'interrupt', id: run.record.id });
    if (this.phase.name === 'running') {
      const cpuTimeMs = this.transport.cpuTimeMs?.bind(this.transport);
      const grace = new InterruptGrace(this.options.interruptGraceMs, cpuTimeMs, () => this.end(CUT_SHORT.ignoredInterrupt));
      this.enter({ name: 'interrupting', run, grace });
    }
    return true;
  }

  /** Ends the sandbox on purpose; `cutShort` says how the run it cuts short is reported. */
  end(cutShort?: CutShort): void {
    if (this.ended) return;
    this.cutShort = cutShort;
    this.transport.kill();
    this.exited({ description: 'the sandbox was stopped' });
  }

  /** The one place the phase changes: what the phase left held (a timer) is let go. */
  private enter(next: Phase): void {
    if (!NEXT[this.phase.name].includes(next.name)) throw new Error(`a sandbox cannot go from ${this.phase.name} to ${next.name}`);
    if (this.phase.name === 'interrupting') this.phase.grace.cancel();
    if (next.name === 'ended') this.frameDeadline.clear();
    this.phase = next;
  }

  /** Bytes from the sandbox: decoded, checked, then acted on; any fault ends the sandbox. */
  private receive(bytes: Uint8Array): void {
    if (this.ended) return;
    let completed = 0;
    try {
      for (const raw of this.frames.push(bytes)) {
        completed++;
        this.handle(parseSandboxMessage(raw));
        if (this.ended) return;
      }
    } catch (error) {
      this.fault(error instanceof Error ? error.message : 'an unreadable message');
      return;
    }
    this.frameDeadline.update(this.frames, completed);
  }

  /** Acts on a well-formed message, or throws ProtocolError when the phase does not allow it. */
  private handle(message: SandboxMessage): void {
    const phase = this.phase;
    if (!ALLOWED[phase.name].includes(message.type)) {
      throw new ProtocolError(
        message.type === 'ready' || message.type === 'failed'
          ? `a '${message.type}' message came after start-up`
          : `a '${message.type}' message named a run that is not running`,
      );
    }
    if (message.type === 'ready') return this.started(message.restrictions, message.runtime);
    if (message.type === 'variables-result') return this.answered(message.id, message.answer);
    if (message.type === 'failed') {
      const reported = this.options.transport.sanitize(message.message);
      this.settleReady.reject(new SandboxError('the sandbox could not start; it reported a failure', 'start', reported));
      return this.end();
    }
    const run = this.running;
    if (!run || message.id !== run.record.id) throw new ProtocolError(`a '${message.type}' message named a run that is not running`);
    switch (message.type) {
      case 'output':
        return run.write(message);
      case 'display':
        return run.display(message);
      case 'input-request':
        if (!this.options.input) throw new ProtocolError('an input request came when none was possible');
        return run.ask(message.prompt, (text) => this.transport.send({ type: 'input-reply', id: run.record.id, text }));
      case 'result': {
        const { outcome } = message;
        if (outcome.packageError !== undefined && run.packages.length === 0)
          throw new ProtocolError('a package error came for a run without packages');
        // From here on, anything more about this run is out of place.
        this.enter({ name: 'idle' });
        if (outcome.packageError !== undefined) return this.packagesNotLoaded(run, outcome.packageError);
        this.options.packageMemory.remember(this.loaded, run.packages);
        run.finish(outcome);
        if (outcome.recycle) this.end();
        return;
      }
    }
  }

  /** The answer to the query in progress; one that asks for a fresh runtime ends this one. */
  private answered(id: number, answer: VariablesAnswer): void {
    const { phase } = this;
    if (phase.name !== 'inspecting' || phase.inspection.id !== id)
      throw new ProtocolError("a 'variables-result' message named a query that is not in progress");
    this.enter({ name: 'idle' });
    if (answer.recycle === undefined) {
      phase.inspection.finish({ answer });
      return;
    }
    phase.inspection.finish({
      unavailable: `${answer.problem ?? 'reading a value failed'}; the runtime was restarted and its namespace lost`,
      restarted: true,
    });
    this.end();
  }

  /** The sandbox reported it is ready: it may run code if its restrictions are good enough on this platform. */
  private started(restrictions: Restrictions, runtime: RuntimeInfo): void {
    const assessment = this.options.transport.assess(restrictions);
    if ('refusal' in assessment) {
      this.settleReady.reject(new SandboxError(`refusing to run code: ${assessment.refusal}`, 'start'));
      return this.end();
    }
    this.enter({ name: 'idle' });
    const info: SandboxInfo = {
      isolation: assessment.level,
      restrictions,
      runtime,
      startMs: Math.round(performance.now() - this.requested),
      pid: this.transport.pid,
      osIsolated: this.transport.osIsolated === true,
      ...(runtime.startup ? { startup: startupBreakdown(this.requestedEpoch, runtime.startup, epochMs()) } : {}),
    };
    this.options.onReady(info);
    this.settleReady.resolve(info);
  }

  /** Why a query has no answer when its sandbox ended for a reason of its own. */
  private lostWhileInspecting(exit: SandboxExit): string {
    if (this.cutShort) return NOT_INSPECTED.restarted;
    if (exit.memoryLimitMb)
      return `reading a value used more than the sandbox process's ${exit.memoryLimitMb} MiB limit; the runtime was restarted and its namespace lost`;
    return `the sandbox crashed while reading the namespace (${exit.description}); its namespace was lost`;
  }

  /** The sandbox could not load the run's packages, so its code did not run: the run's result says which and why. */
  private packagesNotLoaded(run: ActiveRun, reason: string): void {
    // A remembered file that is gone from the cache must not fail every later run.
    this.options.packageMemory.forget();
    const names = run.packages.map((file) => file.name).join(', ');
    const reported = this.options.transport.sanitize(reason);
    run.finishWith(
      failure(run.record.mode, 'PackageError', `the sandbox could not load ${names}; the code did not run. It reported: ${reported}`, {
        packagesFailed: true,
      }),
    );
  }

  /** The sandbox sent what it must not: end it, and fail the run it was serving. */
  private fault(reason: string): void {
    if (this.ended) return;
    const error = new SandboxError(
      `the sandbox broke the protocol (${reason}); it was stopped, and the next run starts a fresh one`,
      'protocol',
    );
    this.settleReady.reject(error);
    this.running?.fail(error);
    this.inspectionEnd = error.message;
    this.end();
  }

  /** The sandbox is gone: its start fails if it had not started, and the run it was serving ends. */
  private exited(exit: SandboxExit): void {
    if (this.ended) return;
    const starting = this.phase.name === 'starting';
    const run = this.running;
    const inspection = this.phase.name === 'inspecting' ? this.phase.inspection : undefined;
    this.enter({ name: 'ended' });
    inspection?.finish({ unavailable: this.inspectionEnd ?? this.lostWhileInspecting(exit), restarted: true });
    if (exit.retry && starting) this.settleReady.reject(new RetryStartError());
    this.settleReady.reject(new SandboxError(`the sandbox could not start: ${exit.description}`, 'start', exit.stderr));
    // It ended with packages sent and no result: their load may be what hung or crashed it (a
    // library that loops or eats memory as it loads), and a new sandbox must not load them again
    // before every later run.
    if (run && run.packages.length > 0) this.options.packageMemory.forget();
    if (run && this.cutShort) {
      run.finishWith({ ...this.cutShort(run.record), restarted: true });
    } else if (run && exit.memoryLimitMb) {
      run.finishWith(
        failure(
          run.record.mode,
          'MemoryError',
          `out of memory: the sandbox process used more than its ${exit.memoryLimitMb} MiB limit and was stopped; the runtime was restarted`,
          { ...run.record.partial(), restarted: true },
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
    this.options.onEnd();
  }
}
