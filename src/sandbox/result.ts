import type { OutputFile, PythonError, RunMode } from './protocol';

/** The original component's result type, `result<string, string>`: other extensions rely on it. */
export type ContractResult = { readonly ok: string } | { readonly err: string };

/** Everything known about one finished run. */
export interface RunResult {
  readonly mode: RunMode;
  /** stdout and stderr, interleaved as written (up to the output cap). */
  readonly output: string;
  /** `json.dumps` of the value, for a successful eval. */
  readonly value?: string;
  /** repr() of a final bare expression of an exec, when asked for (never part of the output). */
  readonly lastValue?: string;
  /** The exception that ended the run; absent on success. */
  readonly error?: PythonError;
  /** Output went past the cap and the rest was dropped. */
  readonly truncated: boolean;
  readonly durationMs: number;
  /** The runtime was replaced during or after this run, so the namespace is gone. */
  readonly restarted: boolean;
  /** The run's packages could not be had or loaded, so its code did not run; `error` says which and why. */
  readonly packagesFailed?: boolean;
  /** The run's workspace files could not be given to it (too many, unreadable), so its code did not run; `error` says why. */
  readonly filesFailed?: boolean;
  /** Files the run wrote under output/ of its working directory (runs with a workspace). Nothing of them is on the host. */
  readonly outputFiles?: readonly OutputFile[];
  /** Files it wrote there that are not listed: too many, or names that cannot be saved. */
  readonly outputFilesOmitted?: number;
  /** The bytes of the output file a `readOutputFile` asked for. */
  readonly file?: Uint8Array;
}

/** `TypeName: message`, or just `TypeName` when the message is empty. */
export function formatError(error: Pick<PythonError, 'type' | 'message'>): string {
  return error.message ? `${error.type}: ${error.message}` : error.type;
}

/** Converts a run into the contract: exec -> its output, eval -> the JSON value. */
export function toContract(result: RunResult): ContractResult {
  if (result.error) return { err: formatError(result.error) };
  return { ok: result.mode === 'eval' ? (result.value ?? 'null') : result.output };
}

/** A result the client makes itself (bad input, timeout, restart), shaped like a Python error. */
export function failure(mode: RunMode, type: string, message: string, extra: Partial<RunResult> = {}): RunResult {
  return { mode, output: '', truncated: false, durationMs: 0, restarted: false, ...extra, error: { type, message, frames: [] } };
}

/** Submitted code larger than this is refused before it reaches Python. */
export const MAX_CODE_BYTES = 4 * 2 ** 20;

/** Why `code` cannot be run, as a Python-style error, or undefined when it can. */
export function checkCode(code: unknown): Pick<PythonError, 'type' | 'message'> | undefined {
  if (typeof code !== 'string') {
    return { type: 'TypeError', message: `code must be a string, not ${code === null ? 'null' : typeof code}` };
  }
  if (!code.isWellFormed()) {
    return { type: 'UnicodeError', message: 'code contains a lone surrogate and is not valid Unicode' };
  }
  const bytes = utf8Length(code);
  if (bytes > MAX_CODE_BYTES) {
    return {
      type: 'ValueError',
      message: `code is ${(bytes / 2 ** 20).toFixed(1)} MiB; the sandbox accepts at most ${MAX_CODE_BYTES / 2 ** 20} MiB`,
    };
  }
  return undefined;
}

/** The UTF-8 size of well-formed text, counted without encoding it (no Node `Buffer` here). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      // A surrogate pair is one character of four bytes; the text was checked to be well formed.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
