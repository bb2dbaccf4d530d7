import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { distDir } from './sandbox';

/** Runs the built CLI as a user would, with `stdin` as its input. */
function cli(args: string[], stdin = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], { input: stdin, encoding: 'utf8', timeout: 60_000 });
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

  it('an uncaught error prints its traceback on stderr as python3 does, with exit 1; --json keeps TypeName: message', () => {
    const code = 'def ratio(a, b):\n    return a / b\n\nratio(1, 0)\n';
    assert.deepEqual(cli(['exec', code]), {
      status: 1,
      stdout: '',
      stderr: [
        'Traceback (most recent call last):',
        '  File "<string>", line 4, in <module>',
        '    ratio(1, 0)',
        '  File "<string>", line 2, in ratio',
        '    return a / b',
        '           ^^^^^',
        'ZeroDivisionError: division by zero',
        '',
      ].join('\n'),
    });
    assert.deepEqual(cli(['exec', '-'], code).stderr.split('\n')[1], '  File "<stdin>", line 4, in <module>', 'code from stdin is <stdin>');
    assert.deepEqual(cli(['--json', 'exec', code]), { status: 1, stdout: '{"err":"ZeroDivisionError: division by zero"}\n', stderr: '' });
    const result = cli(['eval', 'undefined_var']);
    assert.deepEqual(result, {
      status: 1,
      stdout: '',
      stderr:
        'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n    undefined_var\nNameError: name \'undefined_var\' is not defined\n',
    });
  });

  it('reads the code from stdin with -', () => {
    assert.deepEqual(cli(['exec', '-'], 'for i in range(3):\n    print(i)\n'), { status: 0, stdout: '0\n1\n2\n', stderr: '' });
  });

  it('answers input() from stdin, and EOFError at its end', () => {
    const result = cli(['exec', 'print(input("name? "))\ninput()'], 'Ada\n');
    assert.deepEqual([result.status, result.stdout], [1, 'name? Ada\n']);
    assert.match(result.stderr, /\n {4}input\(\)\nEOFError: EOF when reading a line\n$/);
  });

  it('--timeout-ms stops a runaway loop', () => {
    const result = cli(['--timeout-ms', '300', 'exec', 'while True: pass']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^TimeoutError: /m);
  });

  it('--memory-mb caps memory', () => {
    const result = cli(['exec', '--memory-mb', '128', 'x = bytearray(512 * 2**20)']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^MemoryError: .*128 MiB limit/m);
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
