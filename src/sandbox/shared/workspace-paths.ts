/**
 * The sandbox's view of the user's workspace, as paths. Granted files appear under one folder at
 * their paths relative to the workspace folder, and what code writes under `output/` of its
 * working directory is offered back to the user. Both directions carry relative, '/'-separated
 * paths that are checked here: paths the host grants must not climb out (`..`) or be absolute,
 * and paths the sandbox offers back must also be fit to become a file name on any system the
 * user may save to. The worker applies the same checks as the client, so a sandbox that sends
 * a path these refuse has been tampered with. No imports.
 */

/** Where granted files appear inside the sandbox; a run's working directory is below it. */
export const WORKSPACE_ROOT = '/workspace';

/** Files the code writes under this folder of its working directory are listed after the run. */
export const OUTPUT_FOLDER = 'output';

/** Longest relative path either way, and most folders deep. */
const MAX_PATH_CHARS = 1024;
const MAX_SEGMENTS = 64;
/** Longest file or folder name (most file systems stop at 255 bytes). */
const MAX_NAME_CHARS = 255;

/**
 * Characters no saved name may hold: control and format characters (bidirectional overrides
 * and zero-width ones would make a name show as another), line and paragraph separators, and
 * what Windows forbids in names.
 */
const UNSAVEABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\\:*?"<>|]/u;
/**
 * Names Windows reserves for devices (the ports with a superscript digit, and the console's
 * `CONIN$` and `CONOUT$`, among them), with any extension, and spaces before it (`nul .txt`).
 */
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9\u00B9\u00B2\u00B3]|lpt[0-9\u00B9\u00B2\u00B3]|conin\$|conout\$) *(\..*)?$/i;

function segmentsOf(path: string): string[] | undefined {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_CHARS) return undefined;
  const segments = path.split('/');
  if (segments.length > MAX_SEGMENTS) return undefined;
  return segments.every((name) => name !== '' && name !== '.' && name !== '..' && name.length <= MAX_NAME_CHARS && !name.includes('\0'))
    ? segments
    : undefined;
}

/** A relative path below a folder: '/'-separated names, none empty, `.` or `..`, nothing absolute. */
export function isRelativePath(path: string): boolean {
  return segmentsOf(path) !== undefined;
}

/** A folder below the workspace root, or the root itself (''). */
export function isRelativeFolder(path: string): boolean {
  return path === '' || isRelativePath(path);
}

/**
 * A relative path fit to be saved under a folder on any system: also no control, format or
 * separator characters, none of Windows' forbidden ones, no device names, and no name ending in
 * a dot or a space (Windows drops those).
 */
export function isSaveablePath(path: string): boolean {
  const segments = segmentsOf(path);
  return (
    segments !== undefined &&
    segments.every((name) => !UNSAVEABLE.test(name) && !DEVICE_NAME.test(name) && !/[. ]$/.test(name) && !name.startsWith(' '))
  );
}

/** `folder` and `name` joined ('' is the root). */
export function joinRelative(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

/** The absolute sandbox path of a path relative to the workspace root. */
export function sandboxPath(relative: string): string {
  return relative === '' ? WORKSPACE_ROOT : `${WORKSPACE_ROOT}/${relative}`;
}
