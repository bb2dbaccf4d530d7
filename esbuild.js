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

/**
 * Pyodide files loaded from dist/pyodide at run time; everything else in the npm package stays
 * behind. (`pyodide.asm.mjs`: the package installer's Pyodide imports it. `pyodide.mjs` is only
 * read here, to make the workers' copy: every bundle brings its own `loadPyodide`.)
 */
const PYODIDE_ASSETS = ['pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  metafile: true,
  loader: { '.py': 'text' },
  external: ['vscode'],
};

function testEntries(dir) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return (
    fs
      .readdirSync(full, { recursive: true })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      // Bundled for the browser below.
      .filter((f) => f !== path.join('browser', 'page.ts') && !f.startsWith(`web${path.sep}`))
      .map((f) => path.join(dir, f))
  );
}

/** Pyodide's two modules, which the workers load: the copies in dist/pyodide get this suffix. */
const SANDBOX_MODULE_SUFFIX = '.sandbox.mjs';

/**
 * Pyodide's module source as the workers load it: every `import()` in it becomes a refusal (in
 * a browser worker it would import any URL it is given, in Node any `node:` module, and Python
 * can reach the functions that do), and `import.meta.url`, which a classic script lacks, a fixed
 * name. The workers then import nothing at run time but these.
 */
function withoutImports(source, file) {
  if (!/\bimport\(/.test(source)) throw new Error(`${file}: no import() found; check what this Pyodide version loads at run time`);
  const contents = source
    .replace(/\bimport\(/g, '__sandboxRefusedImport(')
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(`https://sandbox.invalid/pyodide/${path.basename(file)}`));
  return `const __sandboxRefusedImport = async () => { throw new TypeError('the sandbox imports nothing'); };\n${contents}`;
}

/** The browser worker bundles Pyodide's two modules, rewritten. */
const pyodideWithoutImports = {
  name: 'pyodide-without-imports',
  setup(build) {
    build.onLoad({ filter: /[\\/]pyodide[\\/]pyodide(\.asm)?\.mjs$/ }, async (args) => ({
      contents: withoutImports(await fs.promises.readFile(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};

/** What the browser builds share: no Node, nothing imported at run time but `vscode`. */
const browser = { platform: 'browser', target: 'es2022', external: ['vscode'] };

const builds = [
  {
    entryPoints: {
      extension: 'src/extension-node.ts',
      'sandbox-process': 'src/sandbox/process/main.ts',
      'sandbox-worker': 'src/sandbox/worker/node-main.ts',
      'make-snapshot': 'src/sandbox/make-snapshot.ts',
      'package-installer': 'src/packages/installer/main.ts',
      bench: 'bench/main.ts',
      'bench-pyodide-start': 'bench/pyodide-start.ts',
    },
    outdir: 'dist',
    // The benchmark drives Chromium for the browser worker's figures; nothing that ships needs it.
    external: ['vscode', 'playwright-core'],
  },
  {
    // The command-line tool, the npm package's `bin` (`npx python-sandbox exec ...`).
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The import guard, for a worker in a process that allows code generation (isolation: worker).
    entryPoints: {
      'sandbox-import-guard': 'src/sandbox/worker/import-guard.mts',
      'sandbox-import-guard-register': 'src/sandbox/worker/import-guard-register.mts',
    },
    outdir: 'dist',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
  },
  {
    // The extension in a browser (package.json `browser`): CommonJS, as VS Code loads it.
    ...browser,
    entryPoints: { 'web/extension': 'src/extension-web.ts' },
    outdir: 'dist',
    format: 'cjs',
  },
  {
    // The browser Worker: one classic script (VS Code starts nested workers with importScripts),
    // Pyodide's JavaScript inside, strict throughout.
    ...browser,
    entryPoints: { 'web/sandbox-worker': 'src/sandbox/worker/browser-main.ts' },
    outdir: 'dist',
    format: 'iife',
    banner: { js: '"use strict";' },
    plugins: [pyodideWithoutImports],
  },
  {
    // The test page that runs the browser transport and worker in Chromium, outside VS Code.
    ...browser,
    entryPoints: { 'browser/page': 'test/browser/page.ts' },
    outdir: 'out/test',
    format: 'iife',
  },
  {
    // The integration tests that run in the web worker extension host, with node:assert mapped to a shim.
    ...browser,
    entryPoints: { 'web/index': 'test/web/index.ts' },
    outdir: 'out/test',
    format: 'cjs',
    alias: { 'node:assert/strict': './test/web/assert.ts' },
    // mocha's browser build is UMD in an ES-module package: without a `module` it sets the global
    // `mocha` instead of replacing this bundle's exports.
    define: { module: 'undefined' },
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
  // The Node worker imports these at run time (faster to start than a bundle of them).
  const sandboxModules = ['pyodide.mjs', 'pyodide.asm.mjs'].map((file) => {
    const rewritten = withoutImports(fs.readFileSync(path.join(from, file), 'utf8'), file);
    const name = file.replace(/\.mjs$/, SANDBOX_MODULE_SUFFIX);
    fs.writeFileSync(path.join(to, name), rewritten);
    return name;
  });
  // What an earlier build copied and nothing loads any more would ship with the package.
  const kept = new Set([...PYODIDE_ASSETS, ...sandboxModules]);
  for (const file of fs.readdirSync(to)) {
    if (!kept.has(file) && !file.startsWith('snapshot-')) fs.rmSync(path.join(to, file));
  }
}

/**
 * The npm packages each bundle in dist/ holds (`name@version`), from esbuild's metafiles:
 * dist/bundled-packages.json, which the package test checks the third-party notices against.
 */
function writeBundledPackages(results) {
  const bundled = {};
  for (const { metafile } of results) {
    for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
      if (!output.startsWith('dist/') || output.endsWith('.map')) continue;
      const packages = new Set();
      for (const input of Object.keys(inputs)) {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
        if (!match) continue;
        const { version } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', match[1], 'package.json'), 'utf8'));
        packages.add(`${match[1]}@${version}`);
      }
      bundled[output.slice('dist/'.length)] = [...packages].sort();
    }
  }
  fs.writeFileSync(path.join(root, 'dist', 'bundled-packages.json'), `${JSON.stringify(bundled, null, 2)}\n`);
}

/** Source maps of an earlier development build: a production build writes none, and keeps none. */
function removeSourceMaps(dir) {
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    if (file.endsWith('.map')) fs.rmSync(path.join(dir, file));
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
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (testsOnly) return;
  writeBundledPackages(results);
  if (production) removeSourceMaps(path.join(root, 'dist'));
  // The memory snapshot is made by the worker just built, so it always matches it.
  require('node:child_process').execFileSync(process.execPath, [path.join(root, 'dist', 'make-snapshot.js')], { stdio: 'inherit' });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
