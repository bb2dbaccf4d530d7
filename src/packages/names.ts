/** Package names and file names: the two kinds of name that come from outside. */

/** PEP 503 normal form: lower case, each run of `-`, `_` and `.` one `-`. Lock keys use it. */
export function canonicalName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A valid distribution name (PEP 508): letters and digits, with `-_.` inside. */
export const PACKAGE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** A version as locks and indexes write it (PEP 440, local versions too): it shows in messages and the cache's records. */
export const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]{0,63}$/;

/** A name `imports` may list: a dotted module path, or a distribution-style name (Pyodide's lock has a few). */
export const IMPORT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** Whether `value` is a list of strings that each match `pattern`. */
export function isListOf(value: unknown, pattern: RegExp): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && pattern.test(item));
}

/**
 * Why `fileName` is not a plain file name, or undefined when it is. Lock entries and index
 * URLs name files that become paths in the cache and URLs below the index: a separator, a
 * parent reference, a scheme or drive (`:`), URL syntax (`%`, `?`, `#`) or a control character could
 * point either somewhere else.
 */
export function fileNameProblem(fileName: unknown): string | undefined {
  if (typeof fileName !== 'string' || fileName === '') return 'it is empty';
  if (fileName === '.' || fileName === '..') return 'it is a directory reference';
  if (/[/\\]/.test(fileName)) return 'it contains a path separator';
  if (fileName.includes(':')) return 'it looks like a URL or a drive';
  if (/[%?#]/.test(fileName)) return 'it contains a URL escape, query or fragment';
  if (/[\u0000-\u001f\u007f]/.test(fileName)) return 'it contains a control character';
  // A right-to-left override or a zero-width character makes a name read as another one.
  if (/\p{Cf}/u.test(fileName)) return 'it contains an invisible formatting character';
  if (/^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)/i.test(fileName)) return 'it is a device name on Windows';
  return undefined;
}
