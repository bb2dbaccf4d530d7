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
