/**
 * One sandbox started ahead of need, so that a Restart, or a one-off call that needs a new
 * sandbox, does not wait for a cold start. It sits below the clients, in their transport
 * factories: the next client that starts a sandbox of the same kind gets the spare instead of a
 * new one, exactly as if it had started it (its bytes so far, then the rest). No `vscode` and no
 * Node import.
 *
 * A spare is a sandbox nobody has used: it was started, restored Python and said it was ready,
 * and nothing was ever sent to it, so handing it to any party keeps the promise that parties
 * never share a process. It costs what an idle runtime costs, so there is one at most, of the
 * kind that was used last, started only once that party has been quiet for a moment (never
 * beside a run), and ended when its kind has not been used for a while.
 */
import type { SandboxExit, SandboxStart, Transport, TransportEvents, TransportFactory } from './transport/transport';

/** When spares are started and ended. */
export interface SpareTiming {
  /** How long after its party's last activity a spare is started, so that it never competes with a run (default 2 s). */
  readonly delayMs?: number;
  /** How long a spare is kept without its kind being used (default 5 minutes). */
  readonly idleMs?: number;
  /**
   * The most sandboxes, the spare included, for a spare to be kept (default 7: the memory budget
   * is for seven runtimes). Past it, the runtimes in use get the memory.
   */
  readonly maxSandboxes?: number;
}

/** How a kind of sandbox is started: learnt from the last start through its factory. */
interface Recipe {
  readonly factory: TransportFactory;
  readonly start: SandboxStart;
}

/** The spare: its transport, and what it said or how it ended before anyone took it. */
interface Spare {
  readonly key: string;
  readonly start: SandboxStart;
  /** Set as soon as the factory returns it. */
  transport?: Transport;
  /** Bytes it sent before it was taken, in order. */
  readonly received: Uint8Array[];
  /** Whether it ever sent anything. */
  spoke: boolean;
  ended: boolean;
  /** Whoever took it: from then on its bytes and its end go there. */
  taker?: TransportEvents;
}

const sameStart = (a: SandboxStart, b: SandboxStart): boolean =>
  a.memoryLimitMb === b.memoryLimitMb && a.readableMb === b.readableMb && a.boot === b.boot && a.inputEnabled === b.inputEnabled;

/** At most one spare sandbox, for the kind of sandbox used last. */
export class SpareTransports {
  private readonly recipes = new Map<string, Recipe>();
  private spare: Spare | undefined;
  private starting: ReturnType<typeof setTimeout> | undefined;
  private ending: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Sandboxes of clients (the spare once taken) that have not ended. */
  private inUse = 0;
  private readonly delayMs: number;
  private readonly idleMs: number;
  private readonly maxSandboxes: number;

  constructor(timing: SpareTiming = {}) {
    this.delayMs = timing.delayMs ?? 2000;
    this.idleMs = timing.idleMs ?? 5 * 60_000;
    this.maxSandboxes = timing.maxSandboxes ?? 7;
  }

  /**
   * A factory that starts sandboxes as `factory` does, but hands out the spare when it is of
   * this kind and was started the same way.
   * @param key names the kind: everything that shapes a sandbox (its isolation, what it may read,
   *   how it is started), so that the last start of a kind is how its spare is started.
   */
  wrap(factory: TransportFactory, key: string): TransportFactory {
    return {
      ...factory,
      start: (start, events) => {
        this.recipes.set(key, { factory, start });
        const spare = this.take(key, start, events);
        if (spare) return spare;
        const transport = factory.start(start, this.counted(events));
        // One sandbox more in use: the spare goes if it would pass the budget.
        if (this.inUse >= this.maxSandboxes) this.discard();
        return transport;
      },
    };
  }

  /**
   * A party that starts sandboxes of this kind was just active: have a spare of this kind ready
   * once it has been quiet for a moment (one already there is kept; one of another kind is ended).
   * Nothing happens for a kind that has not started a sandbox yet.
   */
  prepare(key: string): void {
    if (this.disposed || !this.recipes.has(key)) return;
    clearTimeout(this.starting);
    this.starting = setTimeout(() => this.startSpare(key), this.delayMs);
    this.keepUntilIdle();
  }

  /** Ends the spare; no other is started. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.starting);
    this.discard();
  }

  /** The spare, if it is of this kind and was started the same way, handed to `events`. */
  private take(key: string, start: SandboxStart, events: TransportEvents): Transport | undefined {
    const spare = this.spare;
    if (!spare?.transport || spare.ended || spare.key !== key || !sameStart(spare.start, start)) return undefined;
    this.spare = undefined;
    clearTimeout(this.ending);
    spare.taker = this.counted(events);
    // After the client has its transport in hand: what the spare said so far, then the rest as it comes.
    queueMicrotask(() => {
      for (const bytes of spare.received.splice(0)) events.data(bytes);
    });
    return spare.transport;
  }

  private startSpare(key: string): void {
    const recipe = this.recipes.get(key);
    if (this.disposed || !recipe) return;
    const current = this.spare;
    if (current && !current.ended && current.key === key && sameStart(current.start, recipe.start)) return;
    this.discard();
    if (this.inUse >= this.maxSandboxes) return;
    const spare: Spare = { key, start: recipe.start, received: [], spoke: false, ended: false };
    spare.transport = recipe.factory.start(recipe.start, this.eventsOf(spare));
    if (!spare.ended) this.spare = spare;
    this.keepUntilIdle();
  }

  /** Where a spare's bytes and end go: kept until it is taken, then to whoever took it, in order. */
  private eventsOf(spare: Spare): TransportEvents {
    return {
      data: (bytes) => {
        spare.spoke = true;
        if (spare.taker && spare.received.length === 0) spare.taker.data(bytes);
        else spare.received.push(bytes);
      },
      exit: (exit: SandboxExit) => {
        spare.ended = true;
        const taker = spare.taker;
        // A spare that ended before it said a word was taken as it died: the taker starts
        // another (a `retry`), as it would have had there been no spare.
        const reported: SandboxExit = spare.spoke ? exit : { ...exit, retry: true };
        // After any bytes still on their way to the taker.
        if (taker) queueMicrotask(() => taker.exit(reported));
        else if (this.spare === spare) this.spare = undefined;
      },
    };
  }

  /** `events`, counting the sandbox as in use until it ends. */
  private counted(events: TransportEvents): TransportEvents {
    this.inUse++;
    return {
      data: (bytes) => events.data(bytes),
      exit: (exit) => {
        this.inUse--;
        events.exit(exit);
      },
    };
  }

  /** The spare is ended when its kind has not been used for `idleMs`. */
  private keepUntilIdle(): void {
    clearTimeout(this.ending);
    this.ending = setTimeout(() => this.discard(), this.idleMs);
  }

  private discard(): void {
    clearTimeout(this.ending);
    const spare = this.spare;
    this.spare = undefined;
    if (spare && !spare.ended) spare.transport?.kill();
  }
}
