// Builds everything that runs: the extension, the sandbox process and its worker, the CLI,
// the benchmark and the compiled tests. Pyodide's core assets are copied next to the bundles
// so that the sandbox process only ever needs read access to `dist/`.
// Usage: node esbuild.js [--watch] [--production] [--tests]
//   --tests  compiles the tests alone (out/test), without dist/: enough for `npm run test:unit`.
'use strict';

const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testsOnly = process.argv.includes('--tests');
const root = __dirname;

/** Pyodide files the runtime loads; everything else in the npm package stays behind. */
const PYODIDE_ASSETS = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  loader: { '.py': 'text' },
  external: ['vscode'],
};

function testEntries(dir) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full, { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

const builds = [
  {
    entryPoints: {
      extension: 'src/extension-node.ts',
      'sandbox-process': 'src/sandbox/process/main.ts',
      'sandbox-worker': 'src/sandbox/worker/node-main.ts',
      cli: 'src/cli.ts',
      'make-snapshot': 'src/sandbox/make-snapshot.ts',
      'package-installer': 'src/packages/installer/main.ts',
      bench: 'bench/main.ts',
    },
    outdir: 'dist',
  },
  {
    // The Pyodide worker's import guard: module resolution hooks, registered by a preload script.
    entryPoints: {
      'sandbox-import-guard': 'src/sandbox/worker/import-guard.mts',
      'sandbox-import-guard-register': 'src/sandbox/worker/import-guard-register.mts',
    },
    outdir: 'dist',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
  },
  {
    entryPoints: testEntries('test'),
    outdir: 'out/test',
    outbase: 'test',
    external: ['vscode', 'mocha', 'playwright-core'],
  },
];

function copyPyodideAssets() {
  const from = path.dirname(require.resolve('pyodide/package.json'));
  const to = path.join(root, 'dist', 'pyodide');
  fs.mkdirSync(to, { recursive: true });
  for (const file of PYODIDE_ASSETS) {
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
}

async function main() {
  if (!testsOnly) copyPyodideAssets();
  // Compiled tests are found by listing out/, so a deleted test must not linger there.
  if (!watch) fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
  const chosen = testsOnly ? builds.filter((b) => b.outdir === 'out/test') : builds;
  const contexts = await Promise.all(chosen.map((b) => esbuild.context({ ...common, ...b })));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (testsOnly) return;
  // The memory snapshot is made by the worker just built, so it always matches it.
  require('node:child_process').execFileSync(process.execPath, [path.join(root, 'dist', 'make-snapshot.js')], { stdio: 'inherit' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
