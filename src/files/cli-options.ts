/**
 * The CLI's file options: `--read DIR` (repeatable) lets the code read a folder, read-only, at
 * the same path relative to its working directory, which stands for the current directory;
 * `--output-dir DIR` is where what the code wrote under ./output/ is copied after the run.
 * Without it nothing the code writes reaches the disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxClient } from '../sandbox/client';
import type { RunResult } from '../sandbox/result';
import { formatSize } from '../sandbox/shared/bytes';
import { OUTPUT_FOLDER } from '../sandbox/shared/workspace-paths';
import type { PrepareWorkspace } from '../sandbox/workspace-files';
import { expandGrants, type Grant } from './grants';
import { nodeGrantFileSystem } from './node-fs';

/** The options' lines of the CLI's usage text. */
export const FILE_USAGE = `  --read DIR         let the code read DIR, a folder in the current directory, at the same relative
                     path (repeatable; read-only; links in it are not followed)
  --output-dir DIR   copy what the code wrote under ./output/ into DIR after the run (without it,
                     nothing the code writes reaches the disk)`;

/** The options as `parseArgs` returns them. */
export interface FileArgs {
  readonly read?: string[];
  readonly 'output-dir'?: string;
}

/** What the CLI does with files. */
export interface FileCommand {
  /** What the run may read: the folders named, listed when it runs. */
  readonly workspace: PrepareWorkspace;
  /**
   * Copies the files the run wrote under ./output/ into the output folder, or says that nothing
   * was saved; each line goes to `log`. Rejects when a file cannot be read or written.
   */
  saveOutputs(result: RunResult, client: SandboxClient, log: (line: string) => void): Promise<void>;
}

const NOT_FOUND_HINT = 'the sandbox reads only the folders named with --read';

/** A folder the user named, as a path below the current directory; throws a message for the usage text otherwise. */
function readableFolder(dir: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, dir));
  if (relative.startsWith('..') || path.isAbsolute(relative))
    throw new Error(`--read ${dir}: only a folder in the current directory can be read (it stands for the sandbox's working directory)`);
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(path.resolve(cwd, dir));
  } catch {
    throw new Error(`--read ${dir}: there is no such folder`);
  }
  if (stats.isSymbolicLink()) throw new Error(`--read ${dir}: a symbolic link is never followed; name the folder it leads to`);
  if (!stats.isDirectory()) throw new Error(`--read ${dir}: not a folder`);
  return relative.split(path.sep).join('/');
}

/** What a look at a path that is not a folder or a file says of it. */
const NOT_FOLLOWED: Readonly<Record<'link' | 'other', string>> = {
  link: 'a symbolic link, which is never followed',
  other: 'not a regular file, which is never followed',
};

/**
 * Writes `bytes` at `names` below `folder`, making the folders on the way, and follows no link
 * found there: the folder may belong to a project that carries links out of it (`results/x ->
 * ~/.bashrc`), and the names come from the sandbox. Returns the path written.
 */
async function writeBelow(folder: string, names: readonly string[], bytes: Uint8Array, label: string): Promise<string> {
  if (names.length === 0) throw new Error(`${label} cannot be saved: it names no file below ./${OUTPUT_FOLDER}/`);
  fs.mkdirSync(folder, { recursive: true });
  // Looked at as --read looks at a folder: lstat, so a link is a link.
  const below = nodeGrantFileSystem(folder);
  const refuse = (at: string, kind: 'link' | 'other'): Error =>
    new Error(`${label} was not saved: ${path.join(folder, ...at.split('/'))} is ${NOT_FOLLOWED[kind]}`);
  for (let depth = 1; depth < names.length; depth++) {
    const at = names.slice(0, depth).join('/');
    const kind = (await below.stat(at))?.kind;
    if (kind === undefined) fs.mkdirSync(path.join(folder, ...names.slice(0, depth)));
    else if (kind !== 'folder') throw refuse(at, kind === 'file' ? 'other' : kind);
  }
  const kind = (await below.stat(names.join('/')))?.kind;
  if (kind !== undefined && kind !== 'file') throw refuse(names.join('/'), kind === 'folder' ? 'other' : kind);
  const target = path.join(folder, ...names);
  // O_NOFOLLOW closes the gap between the look and the open where the OS has it (not Windows).
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(target, flags, 0o666);
  try {
    fs.writeFileSync(fd, bytes);
  } finally {
    fs.closeSync(fd);
  }
  return target;
}

/** Reads the file options; throws an Error whose message fits the usage text when one is malformed. */
export function fileOptions(args: FileArgs, cwd: string = process.cwd()): FileCommand {
  const grants: Grant[] = (args.read ?? []).map((dir) => ({ kind: 'folder', path: readableFolder(dir, cwd) }));
  const outputDir = args['output-dir'] === undefined ? undefined : path.resolve(cwd, args['output-dir']);
  const files = nodeGrantFileSystem(cwd);
  return {
    workspace: async () => ({ cwd: '', files: (await expandGrants(files, grants)).files, notFoundHint: NOT_FOUND_HINT }),
    async saveOutputs(result, client, log) {
      const written = result.outputFiles ?? [];
      const omitted = result.outputFilesOmitted ?? 0;
      if (written.length + omitted === 0) return;
      if (outputDir === undefined) {
        const names = written.map((file) => `${file.path} (${formatSize(file.size)})`);
        if (omitted > 0) names.push(`${omitted} more`);
        log(`the code wrote ${names.join(', ')}; nothing was saved (--output-dir DIR saves what it writes under ./output/)`);
        return;
      }
      for (const file of written) {
        // Paths are checked (no .., nothing absolute): below output/, they stay below the folder.
        const names = file.path.split('/').slice(1);
        const bytes = await client.readOutputFile(file);
        const target = await writeBelow(outputDir, names, bytes, file.path);
        log(`saved ${file.path} (${formatSize(file.size)}) to ${path.relative(cwd, target) || target}`);
      }
      if (omitted > 0)
        log(`${omitted} more files under ./${OUTPUT_FOLDER}/ were not saved: too many, or named so that they cannot be saved`);
    },
  };
}
