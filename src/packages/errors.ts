import { withoutControlCharacters } from '../sandbox/untrusted-text';

/** Why a package could not be had; lets callers react to a cause without matching messages. */
export type PackageErrorCode =
  /** Not in the lock, not on the PyPI index, or a name that is not a package name. */
  | 'unknown'
  /** The lock's version, or the index's, does not satisfy the requested version. */
  | 'version'
  /** An index could not be reached, or downloads are off (offline) and the file is not cached. */
  | 'unreachable'
  /** The downloaded bytes do not hash to the sha256 that the lock or the index gave. */
  | 'hash-mismatch'
  /** The load would download more than `maxDownloadBytes`. */
  | 'too-large'
  /** A lock entry or index URL names a file with a path, a URL or odd characters. */
  | 'bad-file-name'
  /** A lock from the configured index is not for this Pyodide (ABI, Python or platform). */
  | 'lock-mismatch'
  /** Malformed input: a lock, a requirement, inline script metadata, an installer report. */
  | 'invalid'
  /** micropip could not resolve the PyPI requirements. */
  | 'resolution'
  /** The caller's AbortSignal fired, or the user cancelled the download. */
  | 'cancelled'
  /** Downloads are off by the user's choice (`pythonSandbox.packages.install` is `never`). */
  | 'declined';

/**
 * A package could not be planned, downloaded or verified. The message is one line that names
 * the package (or the lock, or the index) and says why, fit to show a user as it is.
 */
export class PackageError extends Error {
  override readonly name = 'PackageError';

  constructor(
    readonly code: PackageErrorCode,
    message: string,
  ) {
    super(oneLine(message));
  }
}

/**
 * Messages are shown on one line (CLI stderr, notifications): fold whatever came in. They quote
 * what came from outside (a requirement in the code, an index's words), so control and format
 * characters go: no terminal escapes, carriage returns or bidi overrides.
 */
function oneLine(text: string): string {
  return withoutControlCharacters(text.replace(/\s*\n\s*/g, ' ')).trim();
}

/** The reason an error carries, as text, for wrapping into a PackageError message. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Throws a `cancelled` PackageError when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PackageError('cancelled', 'the package load was cancelled');
}
