/** How a run is told to a language model: plain text it can act on. No `vscode` import. */
import type { PackageLoad } from '../sandbox/package-memory';
import type { RunResult } from '../sandbox/result';
import { formatDuration, packageLoads } from '../presenters/format';

/** What an agent asks the sandbox tool to do. */
export interface PythonToolInput {
  readonly code: string;
  /** `exec` (default) runs statements; `eval` evaluates one expression. */
  readonly mode?: 'exec' | 'eval';
  readonly timeoutSeconds?: number;
}

/** Output, value, error type/message/line, packages loaded, truncation and duration, one item a line. */
export function describeForAgent(result: RunResult, packages: readonly PackageLoad[] = []): string {
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
