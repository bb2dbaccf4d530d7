/**
 * A run's life inside a sandbox: from the moment its code is sent until its result. What the
 * sandbox may still send for it is bounded here (output up to the cap, display data within a
 * run's limits, one input() question at a time), its timeout runs here, and its result is made
 * here from the sandbox's outcome, or from the client's own words when its sandbox ended under it.
 * No `vscode` and no Node import.
 */
import {
  MESSAGE_LIMITS,
  type DisplayMessage,
  type FileDataMessage,
  type OutputFile,
  type OutputMessage,
  type PackageFile,
  type RunOutcome,
} from './protocol';
import { concatBytes, fromBase64 } from './shared/bytes';
import { failure, type RunResult } from './result';
import type { RunRecord } from './run';
import { ProtocolError } from './schema';

/** Output a run may send past the cap: the worker cuts bytes, and the relay decodes them in pieces. */
const OUTPUT_SLACK_CHARS = 2 ** 20;

/** What limits a run in the sandbox, and what else it may send for it. */
export interface RunLimits {
  /** Output kept per run; the sandbox cuts it there, and one that goes on is flooding the client. */
  readonly maxOutputBytes: number;
  /** Interrupt the run after this long; 0 means never. */
  readonly timeoutMs: number;
  /** The run has a workspace: its result may list output files. */
  readonly workspace: boolean;
  /** The output file the run asks for: `file-data` messages bring exactly its bytes. */
  readonly readOutput?: OutputFile;
}

/** A run whose code is with the sandbox. */
/** The longest delay a Node or browser timer takes (about 24.8 days): a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ActiveRun {
  /** Output characters received, capped or not. */
  private received = 0;
  /** Display messages, and characters of display data, received. */
  private displays = 0;
  private displayChars = 0;
  /** An input() question is out and unanswered. */
  private asking = false;
  /** The parts of the output file asked for, received so far, and their length. */
  private readonly fileParts: Uint8Array[] = [];
  private fileBytes = 0;
  private readonly timeout: ReturnType<typeof setTimeout> | undefined;

  /**
   * Starts the run's clock: past its timeout the run is interrupted (and reported as timed out).
   * @param packages what the sandbox loads before the code, which its result says were loaded or not.
   */
  constructor(
    readonly record: RunRecord,
    readonly packages: readonly PackageFile[],
    private readonly limits: RunLimits,
  ) {
    const { timeoutMs } = limits;
    this.timeout =
      timeoutMs > 0
        ? setTimeout(
            () => {
              record.timedOutAfterMs = timeoutMs;
              record.interrupt();
            },
            Math.min(timeoutMs, MAX_TIMER_MS),
          )
        : undefined;
  }

  /** Output for the run; the worker cuts it at the cap, so a sandbox that keeps sending is flooding the client. */
  write(message: OutputMessage): void {
    this.received += message.text.length;
    if (this.received > this.limits.maxOutputBytes + OUTPUT_SLACK_CHARS) throw new ProtocolError('output went on past the cap');
    this.record.write(message.stream, message.text);
  }

  /** Display data for the run; the worker stops at the limits, so a sandbox past them is flooding the client. */
  display({ kind, items, displayId, wait }: DisplayMessage): void {
    this.displays++;
    this.displayChars += items.reduce((n, item) => n + item.data.length, 0);
    if (this.displays > MESSAGE_LIMITS.displaysPerRun || this.displayChars > MESSAGE_LIMITS.displayCharsPerRun)
      throw new ProtocolError('display data went on past the limits of a run');
    this.record.display({ kind, items, displayId, wait });
  }

  /** Whether the run has a workspace (and may list output files). */
  get hasWorkspace(): boolean {
    return this.limits.workspace;
  }

  /** The next part of the output file the run asks for; more than the file holds, or bytes nobody asked for, are a fault. */
  receiveFile({ data }: FileDataMessage): void {
    const expected = this.limits.readOutput;
    if (!expected) throw new ProtocolError('file data came for a run that asked for none');
    const part = fromBase64(data);
    this.fileBytes += part.length;
    if (this.fileBytes > expected.size) throw new ProtocolError('file data went past the size of the file');
    this.fileParts.push(part);
  }

  /** Checks that a result fits the run: output files only with a workspace, and an asked-for file whole. */
  verify(outcome: RunOutcome): void {
    if (outcome.outputFiles !== undefined && !this.limits.workspace)
      throw new ProtocolError('output files came for a run without a workspace');
    const expected = this.limits.readOutput;
    if (expected && !outcome.error && this.fileBytes !== expected.size) throw new ProtocolError('file data ended before the file did');
  }

  /**
   * The code asks for a line of input: the run's observers are asked, and `reply` sends their
   * answer, unless the question was withdrawn meanwhile. One question at a time.
   */
  ask(prompt: string, reply: (text: string | null) => void): void {
    if (this.asking) throw new ProtocolError('an input request came when none was possible');
    this.asking = true;
    void this.record.askForInput(prompt).then((text) => {
      if (!this.asking) return;
      this.asking = false;
      reply(text);
    });
  }

  /** Withdraws an unanswered question: an interrupt wakes a pending input() itself, and no reply may follow. */
  withdrawQuestion(): void {
    this.asking = false;
    this.record.cancelInput();
  }

  /** Ends the run with the sandbox's outcome: a KeyboardInterrupt that a timeout caused is reported as a TimeoutError. */
  finish(outcome: RunOutcome): void {
    this.asking = false;
    const { record } = this;
    let error = outcome.error;
    if (error?.type === 'KeyboardInterrupt' && record.timedOutAfterMs !== undefined) {
      error = {
        ...error,
        type: 'TimeoutError',
        message: `the code ran longer than ${record.timedOutAfterMs / 1000} s and was interrupted`,
      };
    }
    record.finish({
      ...record.partial(),
      mode: record.mode,
      value: outcome.value,
      lastValue: outcome.lastValue,
      error,
      truncated: outcome.truncated || record.truncated,
      restarted: outcome.recycle !== undefined,
      ...(outcome.outputFiles ? { outputFiles: outcome.outputFiles } : {}),
      ...(outcome.outputFilesOmitted ? { outputFilesOmitted: outcome.outputFilesOmitted } : {}),
      ...(this.limits.readOutput && !error ? { file: concatBytes(this.fileParts) } : {}),
    });
  }

  /** Ends the run without the sandbox's outcome: its code did not run, or its sandbox is gone. */
  finishWith(result: RunResult): void {
    this.asking = false;
    this.record.finish(result);
  }

  fail(error: Error): void {
    this.asking = false;
    this.record.fail(error);
  }

  /** Stops the clock, once the run's result is out. */
  dispose(): void {
    clearTimeout(this.timeout);
  }
}

/** How a run that the end of its sandbox cut short is reported, in the client's words. */
export type CutShort = (run: RunRecord) => RunResult;

/** Why a sandbox was ended under a run, and what that run's result says. */
export const CUT_SHORT = {
  restart: (run) => failure(run.mode, 'RuntimeError', 'the sandbox was restarted before the code finished', run.partial()),
  shutDown: (run) => failure(run.mode, 'RuntimeError', 'the sandbox was shut down before the code finished', run.partial()),
  /** Code that ignores an interrupt (a loop inside C) is stopped with its sandbox. */
  ignoredInterrupt: (run) =>
    run.timedOutAfterMs === undefined
      ? failure(
          run.mode,
          'KeyboardInterrupt',
          'the code did not stop when interrupted; the sandbox was restarted and its namespace lost',
          run.partial(),
        )
      : failure(
          run.mode,
          'TimeoutError',
          `the code ran longer than ${run.timedOutAfterMs / 1000} s and did not stop when interrupted; the sandbox was restarted and its namespace lost`,
          run.partial(),
        ),
} satisfies Record<string, CutShort>;

/** A sandbox that cannot be interrupted in place (`reason`) is replaced: the run ends as interrupted, or timed out. */
export function cutShortUninterruptible(reason: string): CutShort {
  const lost = `the sandbox cannot be interrupted in place (${reason}), so it was stopped and a fresh one started; the namespace was lost`;
  return (run) =>
    run.timedOutAfterMs === undefined
      ? failure(run.mode, 'KeyboardInterrupt', lost, run.partial())
      : failure(run.mode, 'TimeoutError', `the code ran longer than ${run.timedOutAfterMs / 1000} s; ${lost}`, run.partial());
}
