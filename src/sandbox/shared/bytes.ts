/** Byte helpers shared by both sides of the runtime and the package downloads. No imports. */

/** The parts, in order, in one array (the part itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Whether `bytes` fill their whole buffer: posting or transferring them then moves only them. */
export function fillsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

/**
 * The bytes in a buffer of their own: a file read can be a view at any offset into a larger
 * buffer (VS Code's file system returns such views), and posting a view copies its whole buffer,
 * transferring one detaches it, and Pyodide reads the snapshot through aligned 32-bit views.
 * (A copy by `new Uint8Array`: a Node Buffer's `slice` is a view.)
 */
export function inOwnBuffer(bytes: Uint8Array): Uint8Array {
  return fillsBuffer(bytes) ? bytes : new Uint8Array(bytes);
}

/** Bytes as base64 (btoa, which every runtime here has: the workers, Node and the browser). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // fromCharCode takes its codes as arguments: a slice at a time stays far below the engine's limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of base64 text; atob throws on anything else. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A size as VS Code shows one (1 KB = 1024 bytes): `512 B`, `3.4 KB`, `12.0 MB`, `1.25 GB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GB`;
}
