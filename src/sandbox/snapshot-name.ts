/**
 * The bundled memory snapshot's file name (in `dist/pyodide/`), named by what it depends on: the
 * Pyodide version and the Node worker script that prepared Python's memory before it was taken
 * (its sha256, in hex). A change to either makes the build take a new one, so a runtime never
 * restores a snapshot that other code made. The browser worker is built from the same core and
 * restores the same file. No imports: Node hashes with `node:crypto`, a browser with WebCrypto.
 */
export function snapshotFileName(pyodideVersion: string, workerSha256: string): string {
  return `snapshot-${pyodideVersion}-${workerSha256.slice(0, 8)}.bin`;
}
