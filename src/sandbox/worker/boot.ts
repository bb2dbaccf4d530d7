import type { loadPyodide as LoadPyodide, PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import type { BootMode } from '../protocol';
import displayObjectsSource from '../python/display_objects.py';
import displaySource from '../python/display.py';
import environmentSource from '../python/environment.py';
import hardeningSource from '../python/hardening.py';
import ipythonSource from '../python/ipython.py';
import magicsSource from '../python/magics.py';
import prettySource from '../python/pretty.py';
import runnerSource from '../python/runner.py';
import shellSource from '../python/shell.py';
import transformSource from '../python/transform.py';
import variablesSource from '../python/variables.py';
import { DISABLED_BUILTIN_MODULES, disableBuiltinModules } from './builtin-modules';
import { restoringSparsely } from './sparse-restore';

/** Modules imported before a snapshot is taken, so a restored runtime starts with them. */
export const PRELOADED_MODULES = 'import ast, builtins, io, json, os, random, time, traceback';

/**
 * Python modules the worker calls, installed before the snapshot: the sandbox's environment, its
 * runner, and what reads the runner's namespace for the Variables view.
 */
export const SANDBOX_MODULES = {
  environment: '_sandbox_environment',
  runner: '_sandbox_runner',
  variables: '_sandbox_variables',
} as const;

/**
 * The modules installed before the runner, in order (each imports only those before it): the
 * environment, IPython's pretty printer, display data and display objects, IPython's input
 * syntax, the shell and its magics, and the `IPython` package the sandbox offers.
 */
const INSTALLED_MODULES: ReadonlyArray<readonly [string, string]> = [
  [SANDBOX_MODULES.environment, environmentSource],
  ['_sandbox_pretty', prettySource],
  ['_sandbox_display', displaySource],
  ['_sandbox_display_objects', displayObjectsSource],
  ['_sandbox_transform', transformSource],
  ['_sandbox_shell', shellSource],
  ['_sandbox_magics', magicsSource],
  ['_sandbox_ipython', ipythonSource],
];

/** Runs `source` as a new module `name` (with `globals` set first) and registers it in sys.modules. */
const INSTALL_MODULE = `
import sys, types
module = types.ModuleType(name)
module.__dict__.update(initial)
exec(compile(source, filename, "exec"), module.__dict__)
sys.modules[name] = module
`;

/** Pyodide's Emscripten module factory (the default export of `pyodide.asm.mjs`). */
export type CreatePyodideModule = NonNullable<NonNullable<Parameters<typeof LoadPyodide>[0]>['createPyodideModule']>;

/** What Python's memory was built from, and why the snapshot was passed over if it was. */
export interface Booted {
  readonly pyodide: PyodideAPI;
  readonly boot: BootMode;
  readonly snapshotFallback?: string;
}

/** How to boot, and from where. */
export interface BootOptions {
  readonly loadPyodide: typeof LoadPyodide;
  /** Pyodide's Emscripten module factory, when it was bundled: then Pyodide imports nothing at run time. */
  readonly createPyodideModule?: CreatePyodideModule;
  /** Pyodide's folder as a URL ending in `/`. */
  readonly indexUrl: string;
  readonly mode: BootMode | 'make-snapshot';
  /** The memory snapshot, when there is one. */
  readonly snapshot?: Uint8Array;
  /** Byte ranges of the snapshot that hold only zeros, which the restore does not write (see sparse-restore.ts). */
  readonly snapshotZeros?: readonly number[];
  /** Import names of the packages in Pyodide's lock: none is bundled, and the runner says so. */
  readonly optionalPackages: readonly string[];
}

/**
 * Loads Pyodide: restores the snapshot when there is one (about 7x faster than booting Python),
 * and boots plainly when there is none or the restore fails, so a bad snapshot costs time only.
 * A plain boot prepares memory as the snapshot build did, so both start alike.
 */
export async function bootPyodide(options: BootOptions): Promise<Booted> {
  const { loadPyodide } = options;
  const settings = {
    indexURL: options.indexUrl,
    // Python's `js` module is this object: it must lead nowhere, not even to Object's
    // constructor, which is why it has no prototype.
    jsglobals: Object.create(null) as object,
    env: { HOME: '/home/pyodide' },
    checkAPIVersion: true,
    ...(options.createPyodideModule ? { createPyodideModule: options.createPyodideModule } : {}),
  };
  const plain = async (snapshotFallback?: string): Promise<Booted> => {
    const pyodide = await loadPyodide({ ...settings, ...(options.mode === 'make-snapshot' ? { _makeSnapshot: true } : {}) });
    prepare(pyodide, options.optionalPackages);
    return { pyodide, boot: 'plain', ...(snapshotFallback ? { snapshotFallback } : {}) };
  };
  if (options.mode !== 'snapshot') return plain(options.mode === 'plain' ? 'a plain boot was asked for' : undefined);
  const { snapshot, snapshotZeros } = options;
  if (!snapshot) return plain('no snapshot was built');
  try {
    const restore = (): Promise<PyodideAPI> => loadPyodide({ ...settings, _loadSnapshot: snapshot });
    return { pyodide: await (snapshotZeros ? restoringSparsely(snapshot, snapshotZeros, restore) : restore()), boot: 'snapshot' };
  } catch (error) {
    return plain(`snapshot restore failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * What a snapshot holds beyond a booted Python: built-in modules emptied, modules that reach
 * raw memory refused, the sandbox's modules installed, common modules imported.
 * Doing this before the snapshot, once, keeps it out of every start.
 */
function prepare(pyodide: PyodideAPI, optionalPackages: readonly string[]): void {
  disableBuiltinModules(pyodide);
  runWith(pyodide, hardeningSource, { disabled_modules: DISABLED_BUILTIN_MODULES.source }, '<sandbox-hardening>');
  for (const [name, source] of INSTALLED_MODULES) installModule(pyodide, name, source, {});
  installModule(pyodide, SANDBOX_MODULES.runner, runnerSource, { optional_packages: optionalPackages });
  installModule(pyodide, SANDBOX_MODULES.variables, variablesSource, {});
  pyodide.runPython(PRELOADED_MODULES);
}

/** Runs Python source with plain data as its globals: nothing of JavaScript stays behind. */
function runWith(pyodide: PyodideAPI, source: string, data: Record<string, unknown>, filename: string): void {
  const globals = pyodide.toPy(data) as PyProxy;
  try {
    pyodide.runPython(source, { globals, filename });
  } finally {
    globals.destroy();
  }
}

function installModule(pyodide: PyodideAPI, name: string, source: string, initial: Record<string, unknown>): void {
  runWith(pyodide, INSTALL_MODULE, { name, source, initial, filename: `<${name}>` }, '<sandbox-install>');
}
