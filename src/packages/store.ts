/**
 * Where verified files and small records are kept, behind an interface so that each platform
 * brings its own: `NodeFileStore` (a folder), `WorkspaceStore` (`vscode.workspace.fs`, for the browser build).
 * Keys are relative paths with `/` separators, made by `cacheKeys`.
 */
export interface PackageStore {
  /** The bytes stored under `key`, or undefined when there are none. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` atomically: a reader sees the old content or the new, never part of it. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  has(key: string): Promise<boolean>;
  /** Where Pyodide can read the file stored under `key` (an absolute path in Node). */
  location(key: string): string;
  /** Removes everything stored. */
  clear(): Promise<void>;
}

/** The store's layout; one store holds one Pyodide version's cache. */
export const cacheKeys = {
  /**
   * A verified file, under its own sha256: a file is only ever written there after its bytes
   * hashed to that name, and two indexes' files of the same name cannot collide.
   */
  file: (sha256: string, fileName: string): string => `files/${sha256}/${fileName}`,
  /** The lock of a configured index, by the sha256 of the index URL. */
  lock: (indexUrlHash: string): string => `locks/${indexUrlHash}.json`,
  /** What micropip resolved for a set of PyPI requirements, by the sha256 of the request. */
  resolution: (requestHash: string): string => `resolved/${requestHash}.json`,
};

/** A key's path segments; throws for a key that could leave the store's folder (keys are made from checked names, but still). */
export function keySegments(key: string): string[] {
  const parts = key.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) throw new Error(`not a store key: ${key}`);
  return parts;
}
