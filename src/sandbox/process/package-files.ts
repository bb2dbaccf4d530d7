/**
 * The package cache as the sandbox process reads it: the files the client named, by path. The
 * process may read the package cache folder and nothing else of the host (Node's permission
 * model), and the client names only files it verified there; shared/package-files.ts checks
 * each file's sha256 again as it reads it.
 */
import * as fs from 'node:fs';
import type { PackageCache } from '../shared/package-files';

/** Files by absolute path; a message names the error's code only, never the host path. */
export const processPackageCache: PackageCache = {
  holds: () => true,
  read: async (location) => {
    try {
      return await fs.promises.readFile(location);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new Error(code ?? 'unreadable');
    }
  },
};
