/**
 * The package manager as the browser build runs it (vscode.dev, github.dev, the web worker
 * extension host): the cache in the extension's global storage through `vscode.workspace.fs`,
 * the bundled lock read from the extension's own files, downloads with the extension host's
 * `fetch`. No PyPI resolver: that is the installer process, and a browser starts no process.
 */
import { version as bundledPyodideVersion } from 'pyodide/package.json';
import * as vscode from 'vscode';
import type { PackageCache } from '../sandbox/shared/package-files';
import { KeptPromise } from '../sandbox/shared/kept-promise';
import { parseLock, type PackageLock } from './lock';
import { PackageManager, type PackageManagerOptions } from './manager';
import { WorkspaceStore } from './workspace-store';

/** What a PyPI requirement is told in the browser. */
export const NO_PYPI_IN_BROWSER =
  "the browser build loads packages of Pyodide's distribution only: resolving others from the PyPI index takes the package installer process, which a browser cannot start";

export type WorkspacePackageManagerOptions = Omit<
  PackageManagerOptions,
  'store' | 'bundledLock' | 'resolver' | 'noResolverReason' | 'fetch'
>;

/** The folder one Pyodide version's cache lives in, below the extension's global storage (as on Node). */
export function workspaceCacheRoot(globalStorageUri: vscode.Uri, pyodideVersion: string = bundledPyodideVersion): vscode.Uri {
  return vscode.Uri.joinPath(globalStorageUri, 'packages', pyodideVersion);
}

/**
 * Makes package managers on `store`. The bundled lock is read at the first one and kept; a
 * failed read is tried again by the next.
 * @param readLock reads `dist/pyodide/pyodide-lock.json` of the extension.
 */
export function workspacePackageManagers(
  store: WorkspaceStore,
  readLock: () => Promise<Uint8Array>,
): (options: WorkspacePackageManagerOptions) => Promise<PackageManager> {
  const lockLoad = new KeptPromise<PackageLock>();
  const bundledLock = (): Promise<PackageLock> =>
    lockLoad.get(async () => parseLock(new TextDecoder().decode(await readLock()), 'the bundled pyodide-lock.json'));
  return async (options) =>
    new PackageManager({ ...options, store, bundledLock: await bundledLock(), noResolverReason: NO_PYPI_IN_BROWSER });
}

/** The store's files as the browser transport reads them: by the locations the store gave, and nothing else. */
export function workspacePackageCache(store: WorkspaceStore): PackageCache {
  return {
    holds: (location) => store.keyOf(location) !== undefined,
    read: async (location) => {
      const key = store.keyOf(location);
      return key === undefined ? undefined : store.read(key);
    },
  };
}
