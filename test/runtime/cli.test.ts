import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { distDir } from './sandbox';

/** Runs the built CLI as a user would, with `stdin` as its input, in `cwd`. */
function cli(args: string[], stdin = '', cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 60_000,
    ...(cwd ? { cwd } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI', () => {
  it('exec streams output and exits 0', () => {
    assert.deepEqual(cli(['exec', 'print("Hello, World!")']), { status: 0, stdout: 'Hello, World!\n', stderr: '' });
  });

  it('--json prints exactly one line with the contract result, wherever the option stands', () => {
    assert.deepEqual(cli(['eval', "{'a': 1, 'b': 2}", '--json']), { status: 0, stdout: '{"ok":"{\\"a\\": 1, \\"b\\": 2}"}\n', stderr: '' });
    const failed = cli(['--json', 'exec', 'print("partial")\n1/0']);
    assert.deepEqual([failed.status, failed.stdout], [1, '{"err":"ZeroDivisionError: division by zero"}\n']);
  });

  it('a Python error goes to stderr as TypeName: message, with exit 1', () => {
    const result = cli(['eval', 'undefined_var']);
    assert.deepEqual(result, { status: 1, stdout: '', stderr: "NameError: name 'undefined_var' is not defined\n" });
  });

  it('reads the code from stdin with -', () => {
    assert.deepEqual(cli(['exec', '-'], 'for i in range(3):\n    print(i)\n'), { status: 0, stdout: '0\n1\n2\n', stderr: '' });
  });

  it('answers input() from stdin, and EOFError at its end', () => {
    const result = cli(['exec', 'print(input("name? "))\ninput()'], 'Ada\n');
    assert.deepEqual(result, { status: 1, stdout: 'name? Ada\n', stderr: 'EOFError: EOF when reading a line\n' });
  });

  it('--timeout-ms stops a runaway loop', () => {
    const result = cli(['--timeout-ms', '300', 'exec', 'while True: pass']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^TimeoutError: /);
  });

  it('--memory-mb caps memory', () => {
    const result = cli(['exec', '--memory-mb', '128', 'x = bytearray(512 * 2**20)']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^MemoryError: .*128 MiB limit/);
  });

  it('--isolation worker runs in a thread of the CLI process', () => {
    assert.deepEqual(cli(['--isolation', 'worker', 'eval', '2 + 2']), { status: 0, stdout: '4\n', stderr: '' });
  });

  it('bad usage exits 2 with the usage text', () => {
    for (const args of [
      ['run', 'x'],
      ['exec'],
      ['exec', 'a', 'b'],
      ['--isolation', 'vm', 'exec', 'x'],
      ['--timeout-ms', 'soon', 'exec', 'x'],
    ]) {
      const result = cli(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /usage: npm run -s sandbox/);
    }
  });
});

describe('CLI: --read and --output-dir', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-files-'));
  before(() => {
    fs.mkdirSync(path.join(project, 'data'));
    fs.writeFileSync(path.join(project, 'data', 'x.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(project, 'secret.txt'), 'not granted');
    fs.symlinkSync(path.join(project, 'secret.txt'), path.join(project, 'data', 'link.txt'));
    fs.symlinkSync(path.join(project, 'data'), path.join(project, 'linked'));
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  const WRITE =
    'import os\nos.makedirs("output/sub", exist_ok=True)\nopen("output/sub/y.csv", "w").write(open("data/x.csv").read().upper())';

  it('--read DIR shows the folder at the same relative path, and nothing else', () => {
    const read = cli(['--read', 'data', 'exec', 'import csv\nprint(list(csv.reader(open("data/x.csv"))))'], '', project);
    assert.deepEqual(read, { status: 0, stdout: "[['a', 'b'], ['1', '2']]\n", stderr: '' });
    const refused = cli(['--read', 'data', 'exec', 'open("secret.txt")'], '', project);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^FileNotFoundError: .*'secret.txt'; the sandbox reads only the folders named with --read\n$/);
    assert.equal(cli(['--read', 'data', 'exec', 'open("data/link.txt")'], '', project).status, 1, 'a link in the folder is not followed');
  });

  it('without --output-dir nothing the code writes reaches the disk; with it, ./output/ is copied there', () => {
    const unsaved = cli(['--read', 'data', 'exec', WRITE], '', project);
    assert.deepEqual(unsaved, {
      status: 0,
      stdout: '',
      stderr: 'the code wrote output/sub/y.csv (8 B); nothing was saved (--output-dir DIR saves what it writes under ./output/)\n',
    });
    assert.deepEqual(fs.readdirSync(project).sort(), ['data', 'linked', 'secret.txt']);
    const saved = cli(['--read', 'data', '--output-dir', 'results', 'exec', WRITE], '', project);
    assert.deepEqual(saved, { status: 0, stdout: '', stderr: 'saved output/sub/y.csv (8 B) to results/sub/y.csv\n' });
    assert.equal(fs.readFileSync(path.join(project, 'results', 'sub', 'y.csv'), 'utf8'), 'A,B\n1,2\n');
  });

  it('--read refuses a folder outside the current directory, a link, and what is not a folder', () => {
    for (const dir of ['..', '/etc', 'linked', 'secret.txt', 'missing']) {
      const result = cli(['--read', dir, 'exec', 'pass'], '', project);
      assert.equal(result.status, 2, dir);
      assert.match(result.stderr, new RegExp(`^--read ${dir}: `), dir);
    }
  });
});
