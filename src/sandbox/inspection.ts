/**
 * A variables query's life inside a sandbox: from being sent to its answer, or to the client's
 * words when there is none. It runs between runs and is no run: no output, no input, no display
 * data, no place in the queue that status displays count. Its clock is the client's backstop for
 * what the sandbox's own time budget cannot stop (code that turns tracing off, a loop in C): past
 * it the query is interrupted, and past the grace after that its sandbox is ended.
 * No `vscode` and no Node import.
 */
import type { VariablesAnswer, VariablesQuery } from './protocol';

/** How a variables query ended: the sandbox's answer, or why there is none. */
export type Inspection =
  | { readonly answer: VariablesAnswer }
  | {
      readonly unavailable: string;
      /** The runtime was replaced on the way (its namespace is gone): say so until its next run. */
      readonly restarted?: boolean;
    };

/** Asks for a query only when it can be answered at once: nothing runs or waits to run. */
export interface InspectOptions {
  /** Answer `busy` instead of waiting for the runs queued and running (a hover has no time to wait). */
  readonly ifIdle?: boolean;
}

/** The answers the client gives itself, in its own words. */
export const NOT_INSPECTED = {
  notRunning: 'the runtime is not running: run some code first',
  busy: 'the runtime is busy running code',
  shutDown: 'the runtime was shut down',
  restarted: 'the runtime was restarted before it answered',
} as const;

/** How much longer than its budget a query may take before the client interrupts it (the answer's own way back). */
export const INSPECTION_SLACK_MS = 2000;

/** A query whose message is with the sandbox. */
export class ActiveInspection {
  private settled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param onOverdue called once the query has taken its budget and the slack: interrupt it.
   */
  constructor(
    readonly id: number,
    readonly query: VariablesQuery,
    private readonly settle: (inspection: Inspection) => void,
    onOverdue: () => void,
  ) {
    this.timer = setTimeout(onOverdue, query.budget.totalMs + INSPECTION_SLACK_MS);
  }

  /** Runs `escalate` after `ms` more, unless the query is answered first. */
  escalateAfter(ms: number, escalate: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(escalate, ms);
  }

  finish(inspection: Inspection): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.settle(inspection);
  }
}
