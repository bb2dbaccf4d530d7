/**
 * Pyodide's two modules as the Node worker imports them from Pyodide's folder: copies the build
 * makes (esbuild.js) with every `import()` turned into a refusal.
 */
export const SANDBOX_PYODIDE_MODULES = ['pyodide.sandbox.mjs', 'pyodide.asm.sandbox.mjs'] as const;
