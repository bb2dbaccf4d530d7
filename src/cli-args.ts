/**
 * What the CLI's commands (cli.ts: exec and eval; cli-notebook.ts: notebook) share in reading
 * their arguments: the bounds of the numbers they take (those of the extension's settings) and
 * the error that means bad usage.
 */
import { settingBounds } from './setting-limits';

export const OUTPUT_CAP = settingBounds('maxOutputBytes');
export const MEMORY_MB = settingBounds('memoryLimitMb');
/** Milliseconds, up to the longest timeoutSeconds setting. */
export const TIMEOUT_MS = { min: 1, max: settingBounds('timeoutSeconds').max * 1000 };

/** Bad usage: the message, then the usage text, and exit status 2. */
export class UsageError extends Error {}

/** A whole number within `bounds`: the CLI takes what the extension's settings take. */
export function boundedInt(
  name: string,
  value: string | undefined,
  bounds: { readonly min: number; readonly max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < bounds.min || n > bounds.max)
    throw new UsageError(`--${name} takes a whole number from ${bounds.min} to ${bounds.max}, not '${value}'`);
  return n;
}
