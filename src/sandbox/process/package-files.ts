/**
 * The relay's side of loading packages: it reads the cached files the client named (the sandbox
 * process may read the package cache folder, nothing else of the host) and checks each against
 * its sha256 once more, so that a file changed in the cache after it was verified is refused
 * rather than loaded.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { PackageFile } from '../protocol';
import { inOwnBuffer } from '../shared/bytes';

/** A package file could not be read, or is not what was verified. The message names the package, never a host path. */
export class PackageFileError extends Error {}

/** The bytes of each package's file, in order, each in an ArrayBuffer of its own (to transfer). */
export async function readPackageFiles(packages: readonly PackageFile[]): Promise<Uint8Array[]> {
  return Promise.all(packages.map(readPackageFile));
}

async function readPackageFile(file: PackageFile): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(file.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PackageFileError(`${file.name}: its file ${file.fileName} could not be read from the package cache (${code})`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== file.sha256) {
    throw new PackageFileError(`${file.name}: ${file.fileName} in the package cache changed after it was verified (sha256 ${actual})`);
  }
  return inOwnBuffer(bytes);
}
