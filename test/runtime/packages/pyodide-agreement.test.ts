/** What this library computes in TypeScript, checked against the real Pyodide and micropip. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import { findImports } from '../../../src/packages/imports';
import { pyodideEnvironment } from '../../../src/packages/markers';
import { readBundledLock } from '../../../src/packages/node';
import { readJsonFixture } from '../../fixtures/corpus';
import { IMPORT_CASES } from '../../fixtures/import-cases';
import ABSOLUTE_IMPORTS from '../../fixtures/imports/absolute_imports.py';
import { DIST_DIR, MICROPIP_WHEEL } from '../../fixtures/package-index';

describe('packages: agreement with Pyodide', function () {
  let pyodide: PyodideAPI;
  before(async () => {
    pyodide = await loadPyodide({ indexURL: path.join(DIST_DIR, 'pyodide') + path.sep, packageCacheDir: path.dirname(MICROPIP_WHEEL) });
    pyodide.runPython(ABSOLUTE_IMPORTS);
  });

  it("the import corpus's answers are Python's own (every case parses in Python 3.14)", () => {
    const absoluteImports = pyodide.globals.get('absolute_imports') as (source: string) => { toJs(): string[] };
    for (const [code, expected] of IMPORT_CASES) assert.deepEqual(absoluteImports(code).toJs(), expected, JSON.stringify(code));
  });

  it("the generated import corpus's answers are Python's own, in the bundled Pyodide", () => {
    const absoluteImports = pyodide.globals.get('absolute_imports') as (source: string) => { toJs(): string[] };
    const corpus = readJsonFixture<{ python: string; cases: [string, string[]][] }>('test/fixtures/imports/corpus.json');
    assert.equal(corpus.python, `${pyodide.runPython('import sys; sys.version.split()[0]') as string} (Pyodide ${pyodide.version})`);
    for (const [code, expected] of corpus.cases) assert.deepEqual(absoluteImports(code).toJs(), expected, JSON.stringify(code));
  });

  it('finds the same imports as Python does in every module of the standard library', () => {
    const files = JSON.parse(
      pyodide.runPython(`
import json, sys, zipfile
archive = zipfile.ZipFile(next(p for p in sys.path if p.endswith(".zip")))
json.dumps({name: [archive.read(name).decode(), absolute_imports(archive.read(name).decode())]
            for name in archive.namelist() if name.endswith(".py")})`) as string,
    ) as Record<string, [string, string[]]>;
    assert.ok(Object.keys(files).length > 500);
    for (const [name, [source, expected]] of Object.entries(files)) assert.deepEqual(findImports(source), expected, name);
  });

  it("the marker environment is micropip's default_environment() inside Pyodide", async () => {
    await pyodide.loadPackage(MICROPIP_WHEEL, { messageCallback: () => undefined });
    const actual = JSON.parse(
      pyodide.runPython(`
import json
from micropip._vendored.packaging.src.packaging.markers import default_environment
json.dumps(default_environment())`) as string,
    ) as Record<string, string>;
    // `extra` is not part of the default environment; a top-level requirement has none.
    assert.deepEqual(pyodideEnvironment(readBundledLock(DIST_DIR).info), { ...actual, extra: '' });
  });
});
