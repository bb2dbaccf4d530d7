/**
 * The runs waiting for the sandbox, first come first served, with what each asked for. A run
 * leaves the queue when its turn comes or when it is cancelled; cancelling also stops the
 * preparation of its packages. No `vscode` and no Node import.
 */
import type { RunOptions } from './client';
import type { PreparedPackage } from './package-memory';
import type { RunResult } from './result';
import type { RunRecord } from './run';

/** A run waiting in the queue, with what it asked for. */
export interface QueuedRun {
  readonly record: RunRecord;
  readonly options: RunOptions;
  /** Fires when the run is cancelled while queued: it stops the preparation of its packages. */
  readonly cancel: AbortController;
}

export class RunQueue {
  private readonly waiting: QueuedRun[] = [];

  get length(): number {
    return this.waiting.length;
  }

  /** The run whose turn is next. */
  get first(): QueuedRun | undefined {
    return this.waiting[0];
  }

  push(record: RunRecord, options: RunOptions): void {
    this.waiting.push({ record, options, cancel: new AbortController() });
  }

  /** Takes a run out of the queue for its turn; false when it had left already (cancelled). */
  take(entry: QueuedRun): boolean {
    const index = this.waiting.indexOf(entry);
    if (index === -1) return false;
    this.waiting.splice(index, 1);
    return entry.record.state === 'queued';
  }

  /** Cancels a queued run, which ends with `result`; false when it is not in the queue. */
  cancel(record: RunRecord, result: RunResult): boolean {
    const index = this.waiting.findIndex((entry) => entry.record === record);
    if (index === -1) return false;
    this.waiting.splice(index, 1)[0].cancel.abort();
    record.finish(result);
    return true;
  }

  /** Cancels every queued run, each ending with its `result`. */
  cancelAll(result: (record: RunRecord) => RunResult): void {
    for (const { record, cancel } of this.waiting.splice(0)) {
      cancel.abort();
      record.finish(result(record));
    }
  }
}

/** The packages a queued run needs, or why it cannot have them; never rejects. */
export async function preparePackages({ options, cancel }: QueuedRun): Promise<readonly PreparedPackage[] | Error> {
  if (!options.packages) return [];
  try {
    return await options.packages(cancel.signal);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
