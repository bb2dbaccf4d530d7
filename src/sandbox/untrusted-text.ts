/** Text that came from the sandbox, made fit to show beside the client's own words. No imports. */

/** Most characters of sandbox text shown in one message. */
const MAX_CHARS = 2048;

/** Removes control and format characters but newlines and tabs: no terminal escapes, carriage returns or bidi overrides. */
export function withoutControlCharacters(text: string): string {
  return text.replace(/[\p{Cf}]|[^\P{Cc}\n\t]/gu, '');
}

/**
 * Removes control and format characters (see withoutControlCharacters), replaces the given host
 * paths with short names, and cuts the text to its last 2 KiB. `paths` maps a host path to what
 * to show instead.
 */
export function sanitizeUntrusted(text: string, paths: ReadonlyArray<readonly [string, string]>): string {
  let clean = withoutControlCharacters(text);
  for (const [hostPath, shown] of paths) if (hostPath) clean = clean.split(hostPath).join(shown);
  clean = clean.trim();
  return clean.length > MAX_CHARS ? `…${clean.slice(-MAX_CHARS)}` : clean;
}

/** Sanitized sandbox text set apart for display: every line marked, so none passes for ours. */
export function quoteUntrusted(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}
