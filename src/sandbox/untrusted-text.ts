/** Text that came from the sandbox, made fit to show beside the client's own words. No imports. */

/** Most characters of sandbox text shown in one message. */
const MAX_CHARS = 2048;

/**
 * Removes control characters (but newlines and tabs), replaces the given host paths with short
 * names, and cuts the text to its last 2 KiB. `paths` maps a host path to what to show instead.
 */
export function sanitizeUntrusted(text: string, paths: ReadonlyArray<readonly [string, string]>): string {
  let clean = text.replace(/[^\P{Cc}\n\t]/gu, '');
  for (const [hostPath, shown] of paths) if (hostPath) clean = clean.split(hostPath).join(shown);
  clean = clean.trim();
  return clean.length > MAX_CHARS ? `…${clean.slice(-MAX_CHARS)}` : clean;
}
