/**
 * What a grant of read access covers: the files below a folder, a file, or the files a glob
 * matches, found by walking the host's file system from the workspace folder. Only regular
 * files are granted. Symbolic links are never followed (not even to somewhere inside the grant:
 * VS Code's file-system API cannot say where a link leads, in a remote or virtual workspace least
 * of all), special files (pipes, sockets, devices) are never read, and a path that climbs out of
 * the workspace folder (`..`) or starts elsewhere (an absolute path) is refused before anything is
 * read. No `vscode` and no Node import: the host brings its file system (VS Code's in the
 * extension, Node's in the CLI).
 */
import picomatch from 'picomatch/posix';
import type { WorkspaceFile } from '../sandbox/workspace-files';
import { isRelativeFolder, isRelativePath, joinRelative } from '../sandbox/shared/workspace-paths';

/** What a directory entry is, without following it. */
export type EntryKind = 'file' | 'folder' | 'link' | 'other';

/** A file's kind (not followed), size and time. */
export interface EntryFacts {
  readonly kind: EntryKind;
  readonly size: number;
  /** Last modified, epoch milliseconds. */
  readonly mtimeMs: number;
}

/** A workspace folder as the host reads it; paths are relative to the folder ('' is the folder itself). */
export interface GrantFileSystem {
  /** The entries of a folder, each with its kind (a link is `link`, whatever it points at). */
  list(folder: string): Promise<ReadonlyArray<readonly [name: string, kind: EntryKind]>>;
  /** What is at `path` (not followed); undefined when nothing is. */
  stat(path: string): Promise<EntryFacts | undefined>;
  read(path: string): Promise<Uint8Array>;
}

/**
 * Read access to part of a workspace folder: a folder (everything below it), a file, or a glob
 * (VS Code's syntax, relative to the workspace folder: `data/**`, `*.csv`).
 */
export type Grant = { readonly kind: 'folder' | 'file'; readonly path: string } | { readonly kind: 'glob'; readonly pattern: string };

/** Something a grant reaches that is not granted, and why. */
export interface Passed {
  readonly path: string;
  readonly why: 'a symbolic link, which is never followed' | 'not a regular file';
}

/** What grants cover: the files, and what they reach but do not grant. */
export interface Coverage {
  /** By path, in path order. */
  readonly files: readonly WorkspaceFile[];
  readonly passed: readonly Passed[];
}

/** A grant that cannot be honoured, and why; nothing was read. */
export class GrantError extends Error {
  override readonly name = 'GrantError';
}

/** Entries one expansion visits at most, and files it grants at most: a grant of a huge tree is refused, not walked for minutes. */
export const GRANT_LIMITS = { visits: 100_000, files: 20_000 } as const;

/** Why a glob cannot be a grant: it names something outside the workspace folder. */
export function globProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || pattern.trim() === '') return 'it is empty';
  if (pattern.startsWith('/') || pattern.startsWith('~') || /^[A-Za-z]:/.test(pattern) || pattern.includes('\\'))
    return 'it is not relative to the workspace folder';
  if (pattern.split('/').includes('..')) return 'it climbs out of the workspace folder (..)';
  return undefined;
}

const byPath = (a: { readonly path: string }, b: { readonly path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Expands grants into the files they cover. Throws GrantError for a grant that names no valid path, or covers too much. */
export async function expandGrants(fs: GrantFileSystem, grants: readonly Grant[]): Promise<Coverage> {
  const walk = new Walk(fs);
  for (const grant of grants) {
    if (grant.kind === 'glob') await walk.glob(grant.pattern);
    else await walk.grant(grant.kind, grant.path);
  }
  return { files: [...walk.files.values()].sort(byPath), passed: [...walk.passed.values()].sort(byPath) };
}

/**
 * Requests to the file system one expansion keeps in flight: VS Code's file-system API answers
 * each over a channel (a few milliseconds each in the VS Code server's extension hosts), and
 * one at a time a folder of 1000 files took 5 s to look at; 32 at a time, a tenth of that.
 */
const REQUESTS_AT_ONCE = 32;

/** One expansion: what it found so far, within the limits. */
class Walk {
  readonly files = new Map<string, WorkspaceFile>();
  readonly passed = new Map<string, Passed>();
  /** Paths of files looked at or being looked at, so that grants that overlap look once. */
  private readonly seen = new Set<string>();
  private visits = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly fs: GrantFileSystem) {}

  /** Runs a request of the file system once fewer than REQUESTS_AT_ONCE are in flight. */
  private async request<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= REQUESTS_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private stat(path: string): Promise<EntryFacts | undefined> {
    return this.request(() => this.fs.stat(path));
  }

  /** A folder or a file the user chose, by its path. */
  async grant(kind: 'folder' | 'file', path: string): Promise<void> {
    if (!isRelativeFolder(path)) throw new GrantError(`${path} is not a path inside the workspace folder`);
    if (!(await this.plainPath(path))) return;
    const facts = await this.stat(path);
    if (!facts) return; // gone since it was granted: nothing to read
    if (facts.kind === 'link') return this.pass(path, 'a symbolic link, which is never followed');
    if (kind === 'folder' && facts.kind === 'folder') await this.folder(path, () => true, Infinity);
    else if (kind === 'file' && path !== '') await this.entry(path, facts.kind, () => true);
  }

  /** The files a glob matches, walking only from the folder its pattern names before its first wildcard. */
  async glob(pattern: string): Promise<void> {
    const problem = globProblem(pattern);
    if (problem) throw new GrantError(`the pattern ${pattern} cannot grant anything: ${problem}`);
    const matches = picomatch(pattern, { dot: true });
    const { base, glob, isGlob } = picomatch.scan(pattern);
    const start = base.replace(/\/+$/, '');
    if (!isRelativeFolder(start) || !(await this.plainPath(start))) return;
    if (!isGlob) {
      const facts = await this.stat(start);
      if (facts && start !== '') await this.entry(start, facts.kind, matches);
      return;
    }
    // Without `**` or braces, a pattern reaches as many folders down as it has parts.
    const depth = /\*\*|\{/.test(glob) ? Infinity : glob.split('/').length;
    const facts = start === '' ? ({ kind: 'folder' } as const) : await this.stat(start);
    if (facts?.kind === 'folder') await this.folder(start, matches, depth);
  }

  /** Whether every folder on the way to `path` is a folder itself, not a link to one. */
  private async plainPath(path: string): Promise<boolean> {
    const names = path === '' ? [] : path.split('/');
    for (let depth = 1; depth < names.length; depth++) {
      const folder = names.slice(0, depth).join('/');
      const facts = await this.stat(folder);
      if (facts?.kind === 'link') this.pass(folder, 'a symbolic link, which is never followed');
      if (facts?.kind !== 'folder') return false;
    }
    return true;
  }

  /** Everything below a folder, its subfolders and files looked at side by side. */
  private async folder(path: string, matches: (path: string) => boolean, depth: number): Promise<void> {
    if (depth <= 0) return;
    const work: Array<Promise<void>> = [];
    for (const [name, kind] of await this.request(() => this.fs.list(path))) {
      if (++this.visits > GRANT_LIMITS.visits)
        throw new GrantError(`the grants reach more than ${GRANT_LIMITS.visits} files and folders; grant a smaller folder`);
      const child = joinRelative(path, name);
      if (!isRelativePath(child)) continue;
      work.push(kind === 'folder' ? this.folder(child, matches, depth - 1) : this.entry(child, kind, matches));
    }
    await Promise.all(work);
  }

  private async entry(path: string, kind: EntryKind, matches: (path: string) => boolean): Promise<void> {
    if (!matches(path) || this.seen.has(path)) return;
    this.seen.add(path);
    if (kind === 'link') return this.pass(path, 'a symbolic link, which is never followed');
    if (kind !== 'file') return this.pass(path, 'not a regular file');
    const facts = await this.stat(path);
    // Changed kind since it was listed (replaced by a link, say): not granted.
    if (facts?.kind !== 'file') return;
    if (this.files.size >= GRANT_LIMITS.files)
      throw new GrantError(`the grants cover more than ${GRANT_LIMITS.files} files; grant a smaller folder`);
    const { fs } = this;
    this.files.set(path, { path, size: facts.size, mtimeMs: facts.mtimeMs, read: () => fs.read(path) });
  }

  private pass(path: string, why: Passed['why']): void {
    this.passed.set(path, { path, why });
  }
}

/** The total size of the files, in bytes. */
export function totalSize(files: readonly { readonly size: number }[]): number {
  return files.reduce((sum, file) => sum + file.size, 0);
}
