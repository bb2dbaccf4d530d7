/** The package manager as Node runs it (extension host, CLI): a cache folder and the installer process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { version as bundledPyodideVersion } from 'pyodide/package.json';
import { parseLock, type PackageLock } from './lock';
import { PackageManager, type PackageManagerOptions } from './manager';
import { fetchWithFiles } from './node-fetch';
import { InstallerProcess } from './node-installer';
import { NodeFileStore } from './node-store';

export interface NodePackageManagerOptions extends Omit<PackageManagerOptions, 'store' | 'bundledLock' | 'resolver' | 'fetch'> {
  /** The cache folder; each Pyodide version keeps its files in a subfolder named after it. */
  readonly cacheDir: string;
  /** The built `dist/` folder: the bundled lock, Pyodide for the installer, `package-installer.js`. */
  readonly distDir: string;
}

/**
 * The folder one Pyodide version's cache lives in: every verified file is below it. The
 * sandbox process needs read access to it (and nothing else of the cache) to load packages,
 * and Pyodide's `packageCacheDir` can point at it.
 */
export function cacheRoot(cacheDir: string, pyodideVersion: string = bundledPyodideVersion): string {
  return path.join(cacheDir, pyodideVersion);
}

/** A PackageManager on a cache folder, with `file:` index URLs and the installer process for PyPI. */
export function createNodePackageManager(options: NodePackageManagerOptions): PackageManager {
  return new PackageManager({
    ...options,
    store: new NodeFileStore(cacheRoot(options.cacheDir, options.pyodideVersion)),
    bundledLock: readBundledLock(options.distDir),
    // Absolute: in a file system of its own the installer starts in its new root, not in ours.
    resolver: new InstallerProcess(path.resolve(options.distDir)),
    fetch: fetchWithFiles,
  });
}

/** The lock that ships with Pyodide, as the build copies it to `dist/pyodide/`. */
export function readBundledLock(distDir: string): PackageLock {
  const file = path.join(distDir, 'pyodide', 'pyodide-lock.json');
  return parseLock(fs.readFileSync(file, 'utf8'), file);
}
