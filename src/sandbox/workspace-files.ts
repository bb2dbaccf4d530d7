/**
 * The workspace files a run may read, on the client's side: the host lists them (with their size
 * and modification time) when the run's turn comes, and the client sends the sandbox the bytes of
 * those it does not hold in that version, read then. A sandbox holds what earlier runs were sent
 * and loses what a run no longer lists. No `vscode` and no Node import: the host says how to list
 * and read its files.
 */
import type { MountedFile, RunWorkspace } from './protocol';
import { formatSize, inOwnBuffer } from './shared/bytes';
import { isRelativeFolder, isRelativePath } from './shared/workspace-paths';

/** A file a run may read, as the host found it. */
export interface WorkspaceFile {
  /** Relative to the workspace root, '/'-separated. */
  readonly path: string;
  readonly size: number;
  /** Last modified, epoch milliseconds. */
  readonly mtimeMs: number;
  /** Its bytes now. */
  read(): Promise<Uint8Array>;
}

/** What a run sees of the workspace, as the host lists it when the run's turn comes. */
export interface PreparedWorkspace {
  /** The run's working directory, relative to the workspace root ('' for the root). */
  readonly cwd: string;
  readonly files: readonly WorkspaceFile[];
  /** What a FileNotFoundError in the workspace adds: how this host grants files. */
  readonly notFoundHint: string;
}

/** Lists a run's workspace files once its turn comes (they may change while it waits); may reject. */
export type PrepareWorkspace = (signal: AbortSignal) => Promise<PreparedWorkspace>;

/** The workspace files a sandbox holds: path -> version (size and time). */
export type HeldFiles = ReadonlyMap<string, string>;

/** What to send the sandbox for one run. */
export interface WorkspacePlan {
  readonly request: RunWorkspace;
  /** The bytes of the files marked `sent`, in order, each in a buffer of its own. */
  readonly bytes: Uint8Array[];
  /** What the sandbox holds once it has the run. */
  readonly held: HeldFiles;
}

/** A run's workspace cannot be given to it: the run ends with a FileAccessError saying why, its code not run. */
export class FileAccessError extends Error {
  override readonly name = 'FileAccessError';
}

/**
 * Files read at once: a folder of many small files is read side by side (each read crosses to
 * the window and back through VS Code's file-system API), without opening them all together.
 */
const READS_AT_ONCE = 16;

const versionOf = (file: { readonly size: number; readonly mtimeMs: number }): string => `${file.size}:${file.mtimeMs}`;

/**
 * What to send for a run, given what the sandbox holds: every file the run may read, and the
 * bytes of those it does not hold in their current version. Throws FileAccessError when a path
 * is not a relative path of the workspace, when the files come to more than `limitBytes` (naming
 * the file that crosses it), or when one cannot be read.
 * @param limitName how the limit is set, for the message (a setting's name, a flag).
 */
export async function planWorkspace(
  prepared: PreparedWorkspace,
  held: HeldFiles,
  limitBytes: number,
  limitName: string,
): Promise<WorkspacePlan> {
  if (!isRelativeFolder(prepared.cwd)) throw new FileAccessError(`the working directory ${prepared.cwd} is not a folder of the workspace`);
  const files = [...prepared.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let total = 0;
  for (const [i, file] of files.entries()) {
    if (!isRelativePath(file.path) || files[i - 1]?.path === file.path)
      throw new FileAccessError(`${file.path} is not a file of the workspace that can be read`);
    total += file.size;
    if (total > limitBytes) {
      throw new FileAccessError(
        `${file.path} (${formatSize(file.size)}) would take the workspace files this runtime reads to ${formatSize(total)}, ` +
          `past its limit of ${formatSize(limitBytes)} (${limitName}); the code did not run`,
      );
    }
  }
  const toSend = files.filter((file) => held.get(file.path) !== versionOf(file));
  const bytes = await readAll(toSend);
  const sent = new Map(toSend.map((file, i) => [file.path, bytes[i]]));
  const mounted: MountedFile[] = files.map((file) => {
    const given = sent.get(file.path);
    // A file that changed between listing and reading goes as read; its next listing shows the new time.
    return { path: file.path, size: given?.length ?? file.size, mtimeMs: file.mtimeMs, sent: given !== undefined };
  });
  return {
    request: { cwd: prepared.cwd, files: mounted, notFoundHint: prepared.notFoundHint },
    bytes,
    held: new Map(mounted.map((file) => [file.path, versionOf(file)])),
  };
}

/** Reads the files, a few at a time, each into a buffer of its own (it is moved to the worker). */
async function readAll(files: readonly WorkspaceFile[]): Promise<Uint8Array[]> {
  const bytes: Uint8Array[] = new Array<Uint8Array>(files.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      try {
        bytes[i] = inOwnBuffer(await files[i].read());
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new FileAccessError(`${files[i].path} could not be read (${reason}); the code did not run`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, files.length) }, reader));
  return bytes;
}
