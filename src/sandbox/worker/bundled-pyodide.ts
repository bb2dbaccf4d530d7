import type { PyodideModule } from './core';

/**
 * Pyodide's two modules, bundled into the worker's script: the build rewrote their `import()`
 * calls into refusals (Pyodide imports any URL it is given, and Python can reach the function
 * that does), so the worker imports nothing at run time. Dynamic imports of bundled modules
 * only evaluate them when called: after the worker has removed what Pyodide must not see.
 */
export async function loadBundledPyodide(): Promise<PyodideModule> {
  const [{ loadPyodide }, { default: createPyodideModule }] = await Promise.all([import('pyodide'), import('pyodide/pyodide.asm.mjs')]);
  return { loadPyodide, createPyodideModule };
}
