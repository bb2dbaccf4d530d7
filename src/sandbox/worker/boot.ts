import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { BootMode } from '../protocol';
import { disableBuiltinModules } from './builtin-modules';

/** Modules imported before a snapshot is taken, so a restored runtime starts with them. */
export const PRELOADED_MODULES = 'import ast, builtins, io, json, os, random, time, traceback';

/** What Python's memory was built from, and why the snapshot was passed over if it was. */
export interface Booted {
  readonly pyodide: PyodideAPI;
  readonly boot: BootMode;
  readonly snapshotFallback?: string;
}

/** How to boot, and from where. */
export interface BootOptions {
  /** Pyodide's folder as a URL ending in `/`: where `pyodide.mjs` is imported from. */
  readonly indexUrl: string;
  readonly mode: BootMode | 'make-snapshot';
  /** The memory snapshot, when there is one. */
  readonly snapshot?: Uint8Array;
}

/**
 * Loads Pyodide: restores the snapshot when there is one (about 7x faster than booting Python),
 * and boots plainly when there is none or the restore fails, so a bad snapshot costs time only.
 * A plain boot prepares memory as the snapshot build did, so both start alike.
 */
export async function bootPyodide(options: BootOptions): Promise<Booted> {
  // Imported at run time, not bundled: the import guard lets exactly this module through, and
  // it must only evaluate once the worker looks like a browser worker.
  const { loadPyodide } = (await import(`${options.indexUrl}pyodide.mjs`)) as { loadPyodide: typeof LoadPyodide };
  const settings = {
    indexURL: options.indexUrl,
    // Python's `js` module is this object: it must lead nowhere, not even to Object's
    // constructor, which is why it has no prototype.
    jsglobals: Object.create(null) as object,
    env: { HOME: '/home/pyodide' },
    checkAPIVersion: true,
  };
  const plain = async (snapshotFallback?: string): Promise<Booted> => {
    const pyodide = await loadPyodide({ ...settings, ...(options.mode === 'make-snapshot' ? { _makeSnapshot: true } : {}) });
    prepare(pyodide);
    return { pyodide, boot: 'plain', ...(snapshotFallback ? { snapshotFallback } : {}) };
  };
  if (options.mode !== 'snapshot') return plain(options.mode === 'plain' ? 'a plain boot was asked for' : undefined);
  if (!options.snapshot) return plain('no snapshot was built');
  try {
    return { pyodide: await loadPyodide({ ...settings, _loadSnapshot: options.snapshot }), boot: 'snapshot' };
  } catch (error) {
    return plain(`snapshot restore failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What a snapshot holds beyond a booted Python: builtins disabled, common modules imported. */
function prepare(pyodide: PyodideAPI): void {
  disableBuiltinModules(pyodide);
  pyodide.runPython(PRELOADED_MODULES);
}
