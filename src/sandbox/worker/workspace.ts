/**
 * The workspace inside the worker: the files a run may read, placed in Pyodide's in-memory file
 * system at their paths under WORKSPACE_ROOT, read-only, and what the code wrote under `output/`
 * of its working directory, listed after the run and read back when the user asks for it.
 *
 * The bytes were handed over (moved, not copied) and become the files' contents as they are, so
 * Python reads a granted file as fast as any file of its own. The worker keeps them: a file the
 * code deleted, replaced or moved is put back before the next run, and one no longer granted is
 * taken away. Read-only holds as POSIX has it for a file of another owner: opening it for writing
 * or truncating it is refused by its mode (r--r--r--), changing its mode or times by the file
 * itself; its folder stays writable (the code may write beside it). None of this is a boundary:
 * Python that reaches this worker's JavaScript can change anything here, and still only the
 * sandbox's own copies, which never go back to the host but through a user's click.
 */
import { MESSAGE_LIMITS, type MountedFile, type OutputFile, type RunOutcome, type RunWorkspace } from '../protocol';
import { toBase64 } from '../shared/bytes';
import {
  isRelativeFolder,
  isRelativePath,
  isSaveablePath,
  joinRelative,
  OUTPUT_FOLDER,
  sandboxPath,
  WORKSPACE_ROOT,
} from '../shared/workspace-paths';

/** A node of Emscripten's file system, as MEMFS makes it. */
interface FsNode {
  readonly id: number;
  name: string;
  mode: number;
  parent: FsNode;
  contents: unknown;
  usedBytes: number;
  atime: number;
  mtime: number;
  ctime: number;
  node_ops: Record<string, unknown>;
}

/** The parts of Emscripten's file system (Pyodide's `FS`) this uses. */
export interface EmscriptenFs {
  lookupPath(path: string, options?: { follow?: boolean }): { node: FsNode };
  mkdirTree(path: string): void;
  create(path: string, mode: number): FsNode;
  unlink(path: string): void;
  rmdir(path: string): void;
  chdir(path: string): void;
  getPath(node: FsNode): string;
  isFile(mode: number): boolean;
  isDir(mode: number): boolean;
  ErrnoError: new (errno: number) => Error;
}

/** Emscripten's EPERM: what changing a granted file's mode or times gets (as for a file of another owner). */
const EPERM = 63;
/** r--r--r--: a granted file cannot be opened for writing. */
const READ_ONLY = 0o444;
/** Folder entries the listing of output/ visits at most: code may make millions of files. */
const MAX_OUTPUT_VISITS = 20_000;

/** A granted file the worker holds. */
interface Granted {
  readonly size: number;
  readonly mtimeMs: number;
  readonly bytes: Uint8Array;
  /** Where it is in the file system, once placed. */
  node?: FsNode;
}

/** Files under output/ before a run: those the run did not touch are not listed after it. */
export interface OutputsBefore {
  readonly started: number;
  readonly ids: ReadonlySet<number>;
}

/** The run's workspace went wrong before its code: why, in the client's FileAccessError. */
export class WorkspaceError extends Error {}

export class WorkspaceFiles {
  private granted = new Map<string, Granted>();
  /** The working directory of the last run with a workspace, relative to the root. */
  private cwd: string | undefined;
  /** What a FileNotFoundError in the workspace adds, from the last run with a workspace. */
  private hint: string | undefined;

  constructor(private readonly fs: EmscriptenFs) {}

  /** What the runner adds to a FileNotFoundError in the workspace; undefined while no run had one. */
  get notFoundHint(): string | undefined {
    return this.hint;
  }

  /**
   * Makes the file system hold exactly the run's files, and moves into its working directory.
   * `bytes` are those of the files marked `sent`, in order. Throws WorkspaceError.
   */
  apply(workspace: RunWorkspace, bytes: readonly Uint8Array[]): void {
    if (!isRelativeFolder(workspace.cwd)) throw new WorkspaceError('the working directory is not a folder of the workspace');
    const wanted = this.wanted(workspace.files, bytes);
    for (const [path, file] of this.granted) if (wanted.get(path) !== file) this.remove(file);
    this.granted = wanted;
    for (const [path, file] of wanted) if (!this.intact(path, file)) this.place(path, file);
    const cwd = sandboxPath(workspace.cwd);
    this.fs.mkdirTree(cwd);
    this.fs.chdir(cwd);
    this.cwd = workspace.cwd;
    this.hint = workspace.notFoundHint;
  }

  /** Notes what output/ holds before a run, so that what the run wrote can be told apart. */
  outputsBefore(): OutputsBefore {
    const ids = new Set<number>();
    this.visitOutputs(({ node }) => void ids.add(node.id));
    return { started: Date.now(), ids };
  }

  /** The files the run wrote, moved or touched under output/, for its result; nothing for a run without a workspace. */
  outputsSince(before: OutputsBefore): Pick<RunOutcome, 'outputFiles' | 'outputFilesOmitted'> {
    if (this.cwd === undefined) return {};
    const files: OutputFile[] = [];
    let omitted = 0;
    const complete = this.visitOutputs(({ node, path }) => {
      if (before.ids.has(node.id) && node.mtime < before.started && node.ctime < before.started) return;
      if (files.length < MESSAGE_LIMITS.outputFiles && isSaveablePath(path))
        files.push({ path, size: node.usedBytes, mtimeMs: node.mtime });
      else omitted++;
    });
    if (!complete) omitted++;
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { outputFiles: files, ...(omitted > 0 ? { outputFilesOmitted: omitted } : {}) };
  }

  /**
   * Sends the bytes of a file an earlier run listed, in chunks, if it is still that file (same
   * size and time); throws WorkspaceError when it is not.
   */
  readOutput(file: OutputFile, send: (base64: string) => void): void {
    const node = isRelativePath(file.path) ? this.lookup(sandboxPath(file.path)) : undefined;
    if (!node || !this.fs.isFile(node.mode) || this.isGranted(node))
      throw new WorkspaceError(`${file.path} is no longer in the sandbox (a later run or a restart removed it)`);
    if (node.usedBytes !== file.size || node.mtime !== file.mtimeMs)
      throw new WorkspaceError(`${file.path} changed in the sandbox after the run that wrote it; save it from the latest run`);
    // MEMFS keeps a file's bytes in whatever typed array it was written from (Python's writes: Int8Array views of the heap).
    const contents = node.contents as ArrayBufferView;
    const bytes = new Uint8Array(contents.buffer, contents.byteOffset, node.usedBytes);
    for (let offset = 0; offset < bytes.length; offset += MESSAGE_LIMITS.fileChunkBytes)
      send(toBase64(bytes.subarray(offset, offset + MESSAGE_LIMITS.fileChunkBytes)));
  }

  /** The run's files, each with its bytes: handed over now, or kept from an earlier run. */
  private wanted(files: readonly MountedFile[], bytes: readonly Uint8Array[]): Map<string, Granted> {
    const wanted = new Map<string, Granted>();
    let next = 0;
    for (const file of files) {
      if (!isRelativePath(file.path) || wanted.has(file.path)) throw new WorkspaceError('a workspace file has no valid path of its own');
      const kept = this.granted.get(file.path);
      if (file.sent) {
        const given = bytes[next++];
        if (given?.length !== file.size) throw new WorkspaceError(`the bytes of ${file.path} did not come with the run`);
        wanted.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, bytes: given });
      } else if (kept && kept.size === file.size && kept.mtimeMs === file.mtimeMs) {
        wanted.set(file.path, kept);
      } else {
        throw new WorkspaceError(`the sandbox does not have ${file.path} as the run expects it`);
      }
    }
    if (next !== bytes.length) throw new WorkspaceError('more file bytes came with the run than files to place');
    return wanted;
  }

  /** The node at `path`, without following a link at its end; undefined when there is none. */
  private lookup(path: string): FsNode | undefined {
    try {
      return this.fs.lookupPath(path, { follow: false }).node;
    } catch {
      return undefined;
    }
  }

  private isGranted(node: FsNode): boolean {
    for (const file of this.granted.values()) if (file.node === node) return true;
    return false;
  }

  /** Whether the file is where it belongs, as it was placed: the code cannot change its bytes, only its place. */
  private intact(path: string, file: Granted): boolean {
    const node = file.node;
    return node !== undefined && this.lookup(sandboxPath(path)) === node && node.contents === file.bytes;
  }

  /** Puts a file in place, removing whatever the code put there (a file or a folder). */
  private place(path: string, file: Granted): void {
    this.remove(file);
    const full = sandboxPath(path);
    const names = path.split('/');
    // A file the code made where a granted folder belongs gives way.
    for (let depth = 1; depth < names.length; depth++) {
      const folder = this.lookup(sandboxPath(names.slice(0, depth).join('/')));
      if (folder && !this.fs.isDir(folder.mode)) this.removePath(this.fs.getPath(folder));
    }
    this.fs.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    const there = this.lookup(full);
    if (there) this.removePath(full);
    const node = this.fs.create(full, READ_ONLY);
    node.contents = file.bytes;
    node.usedBytes = file.bytes.length;
    node.atime = node.mtime = node.ctime = file.mtimeMs;
    const { getattr } = node.node_ops;
    const { ErrnoError } = this.fs;
    node.node_ops = {
      getattr,
      setattr: () => {
        throw new ErrnoError(EPERM);
      },
    };
    file.node = node;
  }

  /** Takes a granted file away, wherever the code may have moved it, and folders it leaves empty. */
  private remove(file: Granted): void {
    const node = file.node;
    file.node = undefined;
    if (!node || node.parent.contents === undefined || (node.parent.contents as Record<string, FsNode>)[node.name] !== node) return;
    const path = this.fs.getPath(node);
    this.fs.unlink(path);
    for (
      let folder = path.slice(0, path.lastIndexOf('/'));
      folder.startsWith(`${WORKSPACE_ROOT}/`);
      folder = folder.slice(0, folder.lastIndexOf('/'))
    ) {
      try {
        this.fs.rmdir(folder);
      } catch {
        break; // not empty: the code keeps what it wrote there
      }
    }
  }

  /** Removes a file, link or folder tree the code made. */
  private removePath(path: string): void {
    const node = this.lookup(path);
    if (!node) return;
    if (!this.fs.isDir(node.mode)) {
      this.fs.unlink(path);
      return;
    }
    for (const name of Object.keys(node.contents as Record<string, FsNode>)) this.removePath(`${path}/${name}`);
    this.fs.rmdir(path);
  }

  /**
   * Calls `visit` with every regular file below output/ of the working directory (links are not
   * followed, granted files skipped), up to a bound; false when it stopped at the bound.
   */
  private visitOutputs(visit: (file: { node: FsNode; path: string }) => void): boolean {
    if (this.cwd === undefined) return true;
    const top = joinRelative(this.cwd, OUTPUT_FOLDER);
    const root = this.lookup(sandboxPath(top));
    if (!root || !this.fs.isDir(root.mode)) return true;
    const granted = new Set([...this.granted.values()].map((file) => file.node));
    const pending: Array<{ node: FsNode; path: string }> = [{ node: root, path: top }];
    let visits = 0;
    while (pending.length > 0) {
      const folder = pending.pop()!;
      for (const [name, node] of Object.entries(folder.node.contents as Record<string, FsNode>)) {
        if (++visits > MAX_OUTPUT_VISITS) return false;
        const path = `${folder.path}/${name}`;
        if (this.fs.isDir(node.mode)) pending.push({ node, path });
        else if (this.fs.isFile(node.mode) && !granted.has(node)) visit({ node, path });
      }
    }
    return true;
  }
}
