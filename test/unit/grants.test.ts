import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandGrants, globProblem, GRANT_LIMITS, GrantError, type Grant, type GrantFileSystem } from '../../src/files/grants';
import { nodeGrantFileSystem } from '../../src/files/node-fs';
import { isRelativePath, isSaveablePath } from '../../src/sandbox/shared/workspace-paths';

describe('grants: what read access covers', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-grants-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-outside-'));
  const write = (file: string, text = file): void => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  before(() => {
    write('data/a.csv', 'a,b\n');
    write('data/deep/b.csv');
    write('data/notes.txt');
    write('top.csv');
    write('src/x.py');
    write('secret.txt');
    fs.writeFileSync(path.join(outside, 'far.txt'), 'far');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'data', 'inside-link.csv'));
    fs.symlinkSync(outside, path.join(root, 'data', 'out'));
    fs.symlinkSync(path.join(root, 'data'), path.join(root, 'linked-data'));
    execFileSync('mkfifo', [path.join(root, 'data', 'pipe.csv')]);
  });
  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const expand = async (...grants: Grant[]): Promise<{ files: string[]; passed: string[] }> => {
    const coverage = await expandGrants(nodeGrantFileSystem(root), grants);
    return { files: coverage.files.map((file) => file.path), passed: coverage.passed.map((item) => `${item.path}: ${item.why}`) };
  };

  it('a folder covers its regular files at any depth; links (inside or out) and special files are passed over', async () => {
    assert.deepEqual(await expand({ kind: 'folder', path: 'data' }), {
      files: ['data/a.csv', 'data/deep/b.csv', 'data/notes.txt'],
      passed: [
        'data/inside-link.csv: a symbolic link, which is never followed',
        'data/out: a symbolic link, which is never followed',
        'data/pipe.csv: not a regular file',
      ],
    });
  });

  it('a granted file is its bytes, read when asked for, with its size and time', async () => {
    const coverage = await expandGrants(nodeGrantFileSystem(root), [{ kind: 'file', path: 'data/a.csv' }]);
    assert.deepEqual(
      coverage.files.map((file) => [file.path, file.size, Math.trunc(fs.statSync(path.join(root, file.path)).mtimeMs) === file.mtimeMs]),
      [['data/a.csv', 4, true]],
    );
    assert.equal(new TextDecoder().decode(await coverage.files[0].read()), 'a,b\n');
  });

  it('a grant covers at most 20,000 files, and looks at 100,000 entries at most', async () => {
    /** A workspace folder of `files` files in `many/`, and `links` links in `links/` (which are looked at, never granted). */
    const synthetic = (files: number, links: number): GrantFileSystem => ({
      list: async (folder) => {
        if (folder === '')
          return [
            ['many', 'folder'],
            ['links', 'folder'],
          ];
        const [count, kind] = folder === 'many' ? [files, 'file' as const] : [links, 'link' as const];
        return Array.from({ length: count }, (_, i) => [`${i}`, kind] as const);
      },
      stat: async (at) => (at.startsWith('many/') ? { kind: 'file', size: 1, mtimeMs: 0 } : { kind: 'folder', size: 0, mtimeMs: 0 }),
      read: async () => new Uint8Array(1),
    });
    const covered = await expandGrants(synthetic(GRANT_LIMITS.files, 0), [{ kind: 'folder', path: 'many' }]);
    assert.equal(covered.files.length, 20_000);
    await assert.rejects(
      expandGrants(synthetic(GRANT_LIMITS.files + 1, 0), [{ kind: 'folder', path: 'many' }]),
      (error) => error instanceof GrantError && /covers? more than 20000 files/.test(error.message),
    );
    await assert.rejects(
      expandGrants(synthetic(0, GRANT_LIMITS.visits + 1), [{ kind: 'folder', path: 'links' }]),
      (error) => error instanceof GrantError && /reach more than 100000 files and folders/.test(error.message),
    );
  });

  it('a folder or file reached through a link grants nothing', async () => {
    assert.deepEqual(await expand({ kind: 'folder', path: 'linked-data' }), {
      files: [],
      passed: ['linked-data: a symbolic link, which is never followed'],
    });
    assert.deepEqual(await expand({ kind: 'file', path: 'linked-data/a.csv' }), {
      files: [],
      passed: ['linked-data: a symbolic link, which is never followed'],
    });
    assert.deepEqual((await expand({ kind: 'file', path: 'data/inside-link.csv' })).files, []);
  });

  it('globs match relative to the workspace folder, without following links', async () => {
    assert.deepEqual((await expand({ kind: 'glob', pattern: '*.csv' })).files, ['top.csv']);
    assert.deepEqual((await expand({ kind: 'glob', pattern: '**/*.csv' })).files, ['data/a.csv', 'data/deep/b.csv', 'top.csv']);
    assert.deepEqual((await expand({ kind: 'glob', pattern: 'data/**' })).files, ['data/a.csv', 'data/deep/b.csv', 'data/notes.txt']);
    assert.deepEqual((await expand({ kind: 'glob', pattern: '{top,secret}.*' })).files, ['secret.txt', 'top.csv']);
    assert.deepEqual((await expand({ kind: 'glob', pattern: 'linked-data/**' })).files, []);
    assert.deepEqual((await expand({ kind: 'glob', pattern: 'src/x.py' })).files, ['src/x.py']);
  });

  it('refuses paths and patterns that leave the workspace folder, before reading anything', async () => {
    for (const pattern of ['../secret/**', 'data/../../x', '/etc/passwd', '~/.ssh/*', 'C:/Windows/*', 'data\\..\\x', ''])
      assert.ok(globProblem(pattern), pattern);
    await assert.rejects(expand({ kind: 'glob', pattern: '../**' }), GrantError);
    await assert.rejects(expand({ kind: 'folder', path: '..' }), GrantError);
    await assert.rejects(expand({ kind: 'file', path: '/etc/passwd' }), GrantError);
    await assert.rejects(expand({ kind: 'file', path: 'data/../secret.txt' }), GrantError);
  });

  it('relative paths and saveable names', () => {
    for (const good of ['a', 'a/b.csv', 'é/ü 1.txt', 'a..b']) assert.ok(isRelativePath(good) && isSaveablePath(good), good);
    for (const bad of ['', '/a', 'a/', 'a//b', '.', 'a/./b', '..', 'a/../b', 'a\0b']) assert.ok(!isRelativePath(bad), JSON.stringify(bad));
    for (const unsaveable of [
      'a\\b',
      'a:b',
      'a\u202Eb',
      'a\u200Bb',
      'a\nb',
      'CON',
      'lpt1.txt',
      'COM\u00B9',
      'lpt\u00B3.txt',
      'nul .txt',
      'CONIN$',
      'conout$.log',
      'x.',
      'x ',
      ' x',
      'a?b',
    ])
      assert.ok(!isSaveablePath(unsaveable), JSON.stringify(unsaveable));
  });
});
