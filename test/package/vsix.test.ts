/**
 * What the packaged .vsix holds, read from the zip itself (`npm run test:package` packages it
 * first): the notices of everything it redistributes, and nothing that no bundle loads.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { REPO_ROOT } from '../launch/paths';
import { findExtensionSource } from '../ui/extension-source';

/** The names of a zip's entries, and the text of those `wanted` says to read. */
async function readZip(file: string, wanted: (name: string) => boolean): Promise<{ names: string[]; texts: Map<string, string> }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  const names: string[] = [];
  const texts = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      names.push(entry.fileName);
      if (!wanted(entry.fileName)) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  return { names, texts };
}

/** Text with its line breaks and runs of spaces made one space, to find a licence however it was wrapped. */
const flat = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The licence file of an installed npm package. */
function licenceText(name: string): string {
  const folder = path.join(REPO_ROOT, 'node_modules', name);
  const file = fs.readdirSync(folder).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  assert.ok(file, `${name} has a licence file`);
  return fs.readFileSync(path.join(folder, file), 'utf8');
}

/** The files under dist/ that something loads at run time; nothing else may ship. */
const LOADED = [
  'extension.js', // package.json `main`
  'web/extension.js', // package.json `browser`
  'web/sandbox-worker.js', // the browser worker
  'sandbox-process.js', // the sandbox process
  'sandbox-worker.js', // its Pyodide worker
  'sandbox-import-guard.mjs', // the import guard (isolation: worker)
  'sandbox-import-guard-register.mjs',
  'package-installer.js', // the installer process
  'pyodide/pyodide.sandbox.mjs', // Pyodide's modules as the Node worker imports them
  'pyodide/pyodide.asm.sandbox.mjs',
  'pyodide/pyodide.asm.mjs', // imported by the installer's Pyodide
  'pyodide/pyodide.asm.wasm',
  'pyodide/python_stdlib.zip',
  'pyodide/pyodide-lock.json',
];

describe('the .vsix', function () {
  this.timeout(120_000);
  let names: string[];
  let texts: Map<string, string>;

  before(async () => {
    const source = findExtensionSource();
    assert.equal(source.kind, 'vsix', 'a .vsix at the repository root (npm run package)');
    if (source.kind !== 'vsix') return;
    ({ names, texts } = await readZip(source.file, (name) =>
      /^extension\/(ThirdPartyNotices\.txt|dist\/pyodide\/pyodide-lock\.json)$/.test(name),
    ));
  });

  it('carries a notice, with its licence text, for everything it redistributes', () => {
    const notices = texts.get('extension/ThirdPartyNotices.txt');
    assert.ok(notices, 'ThirdPartyNotices.txt is in the package');
    const lock = JSON.parse(texts.get('extension/dist/pyodide/pyodide-lock.json') ?? '{}') as { info?: { python?: string } };
    const pyodide = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'pyodide', 'package.json'), 'utf8')) as {
      version: string;
    };
    // Pyodide's assets (MPL-2.0) and CPython with its standard library (PSF), compiled into them.
    assert.ok(names.includes('extension/dist/pyodide/pyodide.asm.wasm'));
    assert.match(notices, new RegExp(`Pyodide ${pyodide.version.replace(/\./g, '\\.')}\\b`));
    for (const marker of [
      'Mozilla Public License Version 2.0',
      'Exhibit A - Source Code Form License Notice',
      'https://github.com/pyodide/pyodide',
    ])
      assert.ok(notices.includes(marker), `the MPL-2.0 notice has "${marker}"`);
    assert.ok(lock.info?.python, 'the lock names its Python');
    assert.ok(notices.includes(`CPython ${lock.info.python}`), `a notice for CPython ${lock.info.python}`);
    assert.ok(notices.includes('PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2'));
    // Every npm package esbuild bundled into a shipped file, with its own licence file's text.
    const bundled = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'bundled-packages.json'), 'utf8')) as Record<string, string[]>;
    const shipped = new Set(
      Object.entries(bundled)
        .filter(([output]) => names.includes(`extension/dist/${output}`))
        .flatMap(([, packages]) => packages),
    );
    assert.ok(
      [...shipped].some((spec) => spec.startsWith('pidusage@')),
      'pidusage (the memory watch) is among them',
    );
    for (const spec of shipped) {
      const [, name, version] = /^(.+)@([^@]+)$/.exec(spec) ?? [];
      if (name === 'pyodide') continue; // its notice is above; its npm package has no licence file
      assert.ok(notices.includes(`${name} ${version}`), `a notice names ${name} ${version}`);
      assert.ok(flat(notices).includes(flat(licenceText(name))), `the notice of ${name} has its licence text`);
    }
  });

  it('ships the licence and the changelog', () => {
    for (const file of ['extension/LICENSE.txt', 'extension/changelog.md', 'extension/readme.md', 'extension/media/icon.png'])
      assert.ok(names.includes(file), `${file} is in the package`);
  });

  it('ships nothing under dist/ that nothing loads: no source map, no module no bundle imports', () => {
    const dist = names.filter((name) => name.startsWith('extension/dist/')).map((name) => name.slice('extension/dist/'.length));
    const snapshots = dist.filter((file) => /^pyodide\/snapshot-[^/]+\.bin$/.test(file));
    assert.equal(snapshots.length, 1, 'one memory snapshot, the one the packaged worker made');
    assert.deepEqual(dist.filter((file) => !snapshots.includes(file)).sort(), [...LOADED].sort());
    assert.deepEqual(
      names.filter((name) => name.endsWith('.map')),
      [],
      'no source map anywhere',
    );
  });
});
