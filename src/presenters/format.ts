/** Text for the output channel and inline annotations. No `vscode` import. */
import type { RunOrigin } from '../editor/run-origin';
import { locateError } from '../editor/traceback';
import type { PackageLoad } from '../sandbox/package-memory';
import { formatError, type RunResult } from '../sandbox/result';
import { formatSize } from '../sandbox/shared/bytes';
import { jsonDepth } from '../sandbox/shared/json-text';

/** The line that opens a run: what ran, and where from. */
export function runHeader(what: string, where: string): string {
  return `▶ ${what} ${where}`;
}

/** The line that closes a run: ✓ and its duration, or ✗ and the error with its line. */
export function runFooter(result: RunResult, errorLine?: number): string {
  const notes = [
    errorLine !== undefined && `line ${errorLine}`,
    result.truncated && 'output truncated',
    // Error messages say so themselves when the runtime was replaced.
    result.restarted && !result.error && 'runtime restarted',
  ].filter((note): note is string => typeof note === 'string');
  const outcome = result.error ? `✗ ${formatError(result.error)}` : `✓ ${formatDuration(result.durationMs)}`;
  return notes.length ? `${outcome} (${notes.join(', ')})` : outcome;
}

/** The footer of a run, with its error's line in the document when the run came from an editor. */
export function footerOf(result: RunResult, origin: RunOrigin | undefined): string {
  const location = result.error && origin ? locateError(origin.region, result.error, origin.lineText) : undefined;
  return runFooter(result, location && location.range.start.line + 1);
}

/** Files listed by name in the output channel; the view lists them all. */
const NAMED_OUTPUT_FILES = 5;

/** What a run wrote under output/, for the output channel; undefined when it wrote nothing there. */
export function outputFilesNote(result: RunResult, where: string): string | undefined {
  const files = result.outputFiles ?? [];
  const count = files.length + (result.outputFilesOmitted ?? 0);
  if (count === 0) return undefined;
  const named = files.slice(0, NAMED_OUTPUT_FILES).map((file) => `${file.path} (${formatSize(file.size)})`);
  if (count > named.length) named.push(`${count - named.length} more`);
  return `wrote ${named.join(', ')}: in the sandbox only, until saved with Save… in ${where}`;
}

/** `numpy 2.4.6 (cached), pandas 2.3.1 (downloaded)`: what a run loaded before its code. */
export function packageLoads(loads: readonly PackageLoad[]): string {
  return loads.map((entry) => `${entry.name} ${entry.version} (${entry.fromCache ? 'cached' : 'downloaded'})`).join(', ');
}

/** `12 ms`, `1.4 s`, `2 min 3 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** JSON larger or deeper than this is shown as it came: indenting grows it with its depth. */
const PRETTY_JSON_MAX_CHARS = 64 * 1024;
const PRETTY_JSON_MAX_DEPTH = 32;

/**
 * JSON text (an eval value, display data) indented for reading. The text comes from the sandbox:
 * indenting costs two characters per level on every line, so 400 KB nested 1000 deep would
 * become 400 MB; large or deep JSON, and Python's non-JSON floats, stay as they are.
 */
export function prettyJson(json: string): string {
  if (json.length > PRETTY_JSON_MAX_CHARS || jsonDepth(json, PRETTY_JSON_MAX_DEPTH) > PRETTY_JSON_MAX_DEPTH) return json;
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** A value cut to fit at the end of a line. */
export function shortValue(json: string, max = 60): string {
  const flat = json.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
