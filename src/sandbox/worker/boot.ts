import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import { version as pyodideVersion } from 'pyodide/package.json';
import type { BootMode } from '../protocol';

/** Modules imported before a snapshot is taken, so a restored runtime starts with them. */
export const PRELOADED_MODULES = 'import ast, builtins, io, json, os, time, traceback';

/**
 * The bundled memory snapshot, named by what it depends on: the Pyodide version and the
 * preloaded modules. A change to either makes the build take a new one.
 */
export function snapshotPath(distDir: string): string {
  const key = createHash('sha256').update(PRELOADED_MODULES).digest('hex').slice(0, 8);
  return path.join(distDir, 'pyodide', `snapshot-${pyodideVersion}-${key}.bin`);
}

/** What Python's memory was built from, and why the snapshot was passed over if it was. */
export interface Booted {
  readonly pyodide: PyodideAPI;
  readonly boot: BootMode;
  readonly snapshotFallback?: string;
}

/**
 * Loads Pyodide: restores the snapshot when there is one (about 7x faster than booting Python),
 * and boots plainly when there is none or the restore fails, so a bad snapshot costs time only.
 */
export async function bootPyodide(distDir: string, mode: BootMode | 'make-snapshot'): Promise<Booted> {
  const options = {
    indexURL: path.join(distDir, 'pyodide') + path.sep,
    // Python's `js` module is this object: it must lead nowhere, not even to Object's
    // constructor, which is why it has no prototype.
    jsglobals: Object.create(null) as object,
    env: { HOME: '/home/pyodide' },
    checkAPIVersion: true,
  };
  if (mode === 'make-snapshot') {
    return { pyodide: await loadPyodide({ ...options, _makeSnapshot: true }), boot: 'plain' };
  }
  if (mode === 'plain') return { pyodide: await loadPyodide(options), boot: 'plain', snapshotFallback: 'a plain boot was asked for' };
  const snapshotFile = snapshotPath(distDir);
  if (!fs.existsSync(snapshotFile)) {
    return { pyodide: await loadPyodide(options), boot: 'plain', snapshotFallback: 'no snapshot was built' };
  }
  try {
    // A promise, so the 30 MB read overlaps with compiling the wasm module.
    const snapshot = fs.promises.readFile(snapshotFile);
    return { pyodide: await loadPyodide({ ...options, _loadSnapshot: snapshot }), boot: 'snapshot' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { pyodide: await loadPyodide(options), boot: 'plain', snapshotFallback: `snapshot restore failed: ${reason}` };
  }
}
