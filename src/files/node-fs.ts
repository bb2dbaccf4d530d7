/**
 * A folder as Node reads it, for the CLI's `--read` (and the tests): entries are what `lstat`
 * says they are, so a link is a link and is never followed.
 */
import type { Dirent, Stats } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntryKind, GrantFileSystem } from './grants';

function kindOf(entry: Dirent | Stats): EntryKind {
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  return 'other';
}

/** The folder `root`; paths below it are '/'-separated. */
export function nodeGrantFileSystem(root: string): GrantFileSystem {
  const full = (relative: string): string => (relative === '' ? root : path.join(root, ...relative.split('/')));
  return {
    list: async (folder) =>
      (await fs.promises.readdir(full(folder), { withFileTypes: true })).map((entry) => [entry.name, kindOf(entry)] as const),
    stat: async (relative) => {
      try {
        const stats = await fs.promises.lstat(full(relative));
        return { kind: kindOf(stats), size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    read: (relative) => fs.promises.readFile(full(relative)),
  };
}
