/** How a run is told to a language model: plain text it can act on. No `vscode` import. */
import type { PackageLoad } from '../sandbox/package-memory';
import type { RunResult } from '../sandbox/result';
import { formatDuration, packageLoads } from '../presenters/format';
import { settingBounds } from '../setting-limits';

/** What an agent asks the sandbox tool to do. */
export interface PythonToolInput {
  readonly code: string;
  /** `exec` (default) runs statements; `eval` evaluates one expression. */
  readonly mode?: 'exec' | 'eval';
  readonly timeoutSeconds?: number;
}

/** The time limit a run of the tool gets, and who chose it. */
export interface RunTimeout {
  /** Seconds; 0: none. */
  readonly seconds: number;
  /** The agent (its `timeoutSeconds`), or the user's `pythonSandbox.timeoutSeconds` when the agent named none. */
  readonly chosenBy: 'agent' | 'setting';
  /** What the agent asked for, when it was more than the most allowed and `seconds` is that most. */
  readonly asked?: number;
}

/**
 * The agent's `timeoutSeconds` (positive: see checkToolInput) within the bounds of the
 * `pythonSandbox.timeoutSeconds` setting, which keep a run's timer within what timers can wait.
 */
export function agentTimeout(timeoutSeconds: number): RunTimeout {
  const { max } = settingBounds('timeoutSeconds');
  return timeoutSeconds > max ? { seconds: max, chosenBy: 'agent', asked: timeoutSeconds } : { seconds: timeoutSeconds, chosenBy: 'agent' };
}

/** A line for the model when its `timeoutSeconds` was out of bounds. */
export function timeoutNote(timeout: RunTimeout): string | undefined {
  if (timeout.asked === undefined) return undefined;
  return `note: timeoutSeconds ${timeout.asked} is more than the most allowed, ${timeout.seconds}; the run's time limit was ${timeout.seconds} s`;
}

/** Output, value, error type/message/line, packages loaded, notes, truncation and duration, one item a line. */
export function describeForAgent(result: RunResult, packages: readonly PackageLoad[] = [], notes: readonly string[] = []): string {
  const lines: string[] = [];
  if (result.error) {
    const line = result.error.frames.at(-1)?.line;
    lines.push(`error: ${result.error.type}${line === undefined ? '' : ` (line ${line})`}`, `message: ${result.error.message}`);
  } else {
    lines.push('status: ok');
  }
  if (result.value !== undefined) lines.push(`value (JSON): ${result.value}`);
  if (result.lastValue !== undefined) lines.push(`value of the last expression (repr): ${result.lastValue}`);
  if (packages.length > 0) lines.push(`packages loaded: ${packageLoads(packages)}`);
  if (result.restarted) lines.push('note: the sandbox was restarted; earlier variables are gone');
  lines.push(...notes);
  lines.push(`duration: ${formatDuration(result.durationMs)}`);
  lines.push(result.output ? `output${result.truncated ? ' (truncated)' : ''}:\n${result.output}` : 'output: (none)');
  return lines.join('\n');
}

/** Checks the model's input; returns a message for the model when it is unusable. */
export function checkToolInput(input: Partial<PythonToolInput> | undefined): string | undefined {
  if (!input || typeof input.code !== 'string') return 'input needs "code": a string of Python';
  if (input.mode !== undefined && input.mode !== 'exec' && input.mode !== 'eval') return '"mode" is "exec" or "eval"';
  if (input.timeoutSeconds !== undefined && !(typeof input.timeoutSeconds === 'number' && input.timeoutSeconds > 0))
    return '"timeoutSeconds" is a positive number';
  return undefined;
}
