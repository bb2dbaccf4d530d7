/**
 * What the CLI's commands (cli.ts: exec and eval; cli-notebook.ts: notebook) share in reading
 * their arguments: the bounds of the numbers they take (those of the extension's settings) and
 * the error that means bad usage.
 */
import { PACKAGE_ARGS, packageOptions, type PackageArgs, type PackageCommand } from './packages/cli-options';
import type { NodeSandboxOptions } from './sandbox/node-client';
import { settingBounds } from './setting-limits';

export const OUTPUT_CAP = settingBounds('maxOutputBytes');
export const MEMORY_MB = settingBounds('memoryLimitMb');
/** Milliseconds, up to the longest timeoutSeconds setting. */
export const TIMEOUT_MS = { min: 1, max: settingBounds('timeoutSeconds').max * 1000 };

/** Bad usage: the message, then the usage text, and exit status 2. */
export class UsageError extends Error {}

/** What `read` returns; an error it throws (a bad option's own words) becomes a UsageError. */
export function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

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

/** The options every command takes, as `parseArgs` takes them: the sandbox's limits and isolation, and packages. */
export const SANDBOX_ARGS = {
  'timeout-ms': { type: 'string' },
  'memory-mb': { type: 'string' },
  'max-output-bytes': { type: 'string' },
  isolation: { type: 'string', default: 'process' },
  ...PACKAGE_ARGS,
} as const;

/** Those options as `parseArgs` returns them. */
export interface SandboxArgs extends PackageArgs {
  readonly 'timeout-ms'?: string;
  readonly 'memory-mb'?: string;
  readonly 'max-output-bytes'?: string;
  readonly isolation?: string;
}

/** The sandbox and the packages the common options ask for, and the run's time limit; throws UsageError for a bad one. */
export function sandboxOptions(values: SandboxArgs): {
  readonly sandbox: NodeSandboxOptions & { readonly maxOutputBytes: number };
  readonly packages: PackageCommand;
  readonly timeoutMs?: number;
} {
  if (values.isolation !== 'process' && values.isolation !== 'worker')
    throw new UsageError(`--isolation is process or worker, not '${values.isolation}'`);
  const memoryLimitMb = boundedInt('memory-mb', values['memory-mb'], MEMORY_MB);
  const maxOutputBytes = boundedInt('max-output-bytes', values['max-output-bytes'], OUTPUT_CAP);
  const packages = asUsage(() => packageOptions(values));
  return {
    sandbox: {
      isolation: values.isolation,
      ...(memoryLimitMb ? { memoryLimitMb } : {}),
      maxOutputBytes: maxOutputBytes ?? OUTPUT_CAP.fallback,
      packageCacheDir: packages.cacheRoot,
    },
    packages,
    timeoutMs: boundedInt('timeout-ms', values['timeout-ms'], TIMEOUT_MS),
  };
}
