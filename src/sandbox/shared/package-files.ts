/**
 * Reading a run's packages for the worker, on every platform (the relay on Node, the browser
 * transport in the extension host): the verified files the client named are read from the
 * package cache and each checked against its sha256 once more, so that a file changed in the
 * cache after it was verified is refused rather than loaded. No `vscode` and no Node import: the
 * platform says how to reach the cache.
 */
import { sha256Hex } from '../../packages/sha256';
import type { PackageFile } from '../protocol';
import { inOwnBuffer } from '../shared/bytes';

/** The package cache as the platform reads it. */
export interface PackageCache {
  /**
   * Whether `location` (a PackageFile's `path`) is a file of the package cache. Nothing else is
   * read: in a browser's extension host the file-system API reaches much more than the cache.
   */
  holds(location: string): boolean;
  /** The bytes of the cache's file at `location`; undefined when it is not there. */
  read(location: string): Promise<Uint8Array | undefined>;
}

/** The bytes of each package's file, in order, each in an ArrayBuffer of its own (to transfer). The message of a failure names the package. */
export async function readPackageFiles(packages: readonly PackageFile[], cache: PackageCache): Promise<Uint8Array[]> {
  return Promise.all(packages.map((file) => readPackageFile(file, cache)));
}

async function readPackageFile(file: PackageFile, cache: PackageCache): Promise<Uint8Array> {
  if (!cache.holds(file.path)) throw new Error(`${file.name}: its file is not in the package cache`);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await cache.read(file.path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file.name}: its file ${file.fileName} could not be read from the package cache (${reason})`);
  }
  if (!bytes) throw new Error(`${file.name}: its file ${file.fileName} is no longer in the package cache`);
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new Error(`${file.name}: ${file.fileName} in the package cache changed after it was verified (sha256 ${actual})`);
  }
  return inOwnBuffer(bytes);
}
