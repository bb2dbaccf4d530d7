/**
 * Pyodide's two modules as the Node worker imports them from Pyodide's folder: copies the build
 * makes (esbuild.js) with every `import()` turned into a refusal.
 */
export const SANDBOX_PYODIDE_MODULES = ['pyodide.sandbox.mjs', 'pyodide.asm.sandbox.mjs'] as const;

/**
 * Pyodide's folder as a sandbox worker shows it to Pyodide (and as `location`): a host that
 * resolves nowhere, since `fetch` serves the files by name. The worker's real location is a
 * host path (the extension's folder, under the user's home) or the extension host's origin,
 * which nothing in the worker's reach should carry.
 */
export const SANDBOX_INDEX_URL = 'https://sandbox.invalid/pyodide/';
