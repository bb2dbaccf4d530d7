import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { version as pyodideVersion } from 'pyodide/package.json';
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

/** Each script, written to a file in a temporary folder, run there by this machine's python3 and by the CLI. */
function besidePython3(scripts: string[]): { script: string; python3: SpawnSyncReturns<string>; ours: ReturnType<typeof cli> }[] {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-beside-')));
  try {
    return scripts.map((script, i) => {
      fs.writeFileSync(path.join(folder, `case${i}.py`), script);
      const python3 = spawnSync('python3', [`case${i}.py`], { cwd: folder, encoding: 'utf8', env: {} });
      return { script, python3, ours: cli(['exec', `case${i}.py`], '', folder) };
    });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** Each script fails through the CLI exactly as through python3: status 1, nothing on stdout, the same stderr. */
function failsAsPython3(scripts: string[]): void {
  for (const { script, python3, ours } of besidePython3(scripts)) {
    assert.deepEqual(ours, { status: 1, stdout: '', stderr: python3.stderr }, script);
  }
}

/** Whether this machine's python3 is 3.11, whose tracebacks the CLI's follow. */
function python3Is311(): boolean {
  const reference = spawnSync('python3', ['-c', 'import sys; print(sys.version_info[:2] == (3, 11))'], { encoding: 'utf8' });
  return reference.stdout?.trim() === 'True';
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
        '           ~~^~~',
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

  it("marks a binary operation's operator and a subscript's brackets with ^ among ~, line for line as this machine's python3", function () {
    // The reference is CPython itself; the last line (the error's message) may differ between Python versions.
    const reference = spawnSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 11))'], { encoding: 'utf8' });
    if (reference.stdout?.trim() !== 'True') return this.skip();
    const scripts = [
      'a, b = 1, 0\nprint(a / b)\n',
      'a, b = 1, 0\nx = ( a ) ** b // (a-a)\n',
      'x = "a" + 1\n',
      'n = "çç" + 1\n',
      'x = [1]\nprint(x[5] + 1)\n',
      'd = {}\nd["k"]\n',
      'd = {"a": {}}\nv = d["a"]["b"]\n',
      'def g():\n    return []\n\ny = g()[0]\n',
      'def f(d):\n    return d[ "missing" ]\n\nf({})\n',
    ];
    const withoutMessage = (stderr: string): string[] => stderr.split('\n').slice(0, -2);
    for (const { script, python3, ours } of besidePython3(scripts)) {
      assert.deepEqual(withoutMessage(ours.stderr), withoutMessage(python3.stderr), script);
      assert.match(ours.stderr, /~/, 'the case marks an operator');
    }
  });

  it("shows a script's IndentationError or TabError line for line as this machine's python3: no caret inside the indentation, trailing spaces kept", function () {
    if (!python3Is311()) return this.skip();
    const scripts = [
      'total = 0\n    total += 1\n',
      'for n in range(3):\n    print(n)\n\tprint(-n)\n',
      'ready = True\n  go = ready   \n',
      'def half(n):\n    return n /   \n',
    ];
    failsAsPython3(scripts);
  });

  it("prints an error's chain (raise from, raised while handling, not after from None) and its notes line for line as this machine's python3", function () {
    if (!python3Is311()) return this.skip();
    const scripts = [
      // raise ... from: the cause's traceback first.
      'def parse(s):\n    try:\n        return int(s)\n    except ValueError as e:\n        raise RuntimeError("bad config") from e\n\nparse("x")\n',
      // Raised while handling another: its context.
      'try:\n    {}["k"]\nexcept KeyError:\n    print(undefined_name)\n',
      // from None suppresses the context: only the last one.
      'def get(d, k):\n    try:\n        return d[k]\n    except KeyError:\n        raise LookupError(f"no {k}") from None\n\nget({}, "x")\n',
      // Notes, one of several lines, after the message.
      'e = ValueError("base")\ne.add_note("a note for the reader")\ne.add_note("two\\nlines")\nraise e\n',
      // A chain of three through several frames, cause then context, with a note on the earliest.
      [
        'def load(text):',
        '    return int(text)',
        '',
        'def parse(text):',
        '    try:',
        '        return load(text)',
        '    except ValueError as e:',
        '        e.add_note("while parsing")',
        '        raise RuntimeError("bad config") from e',
        '',
        'def main():',
        '    try:',
        '        parse("x")',
        '    except RuntimeError:',
        '        return 1 / 0',
        '',
        'main()',
        '',
      ].join('\n'),
      // A cycle of causes ends where it closes, as python3's does; a cause that was never raised has no traceback.
      'a, b = ValueError("a"), TypeError("b")\na.__cause__ = b\nb.__cause__ = a\nraise a\n',
      'raise RuntimeError("outer") from ValueError("never raised")\n',
      // An exception whose str() fails is still named, as python3 names it.
      'class Odd(Exception):\n    def __str__(self):\n        raise ValueError("no")\n\nraise Odd()\n',
      // A class's own __cause__ is not asked: python3 reads the link from the exception itself.
      'class Odd(Exception):\n    @property\n    def __cause__(self):\n        raise RuntimeError("asked")\n\nraise Odd("boom")\n',
    ];
    failsAsPython3(scripts);
  });

  it("draws a frame that ran again and again three times, then counts the rest, line for line as this machine's python3", function () {
    if (!python3Is311()) return this.skip();
    const scripts = [50, 4, 2].map(
      (depth) => `def down(n):\n    if n == 0:\n        raise ValueError("bottom")\n    return down(n - 1)\n\ndown(${depth})\n`,
    );
    failsAsPython3(scripts);
  });

  it('an exception whose notes cannot be read is still described, without them', () => {
    // python3 itself fails while printing this one (it reports the failure to print, not the error).
    const code = 'class Odd(Exception):\n    @property\n    def __notes__(self):\n        raise ValueError("asked")\n\nraise Odd("boom")\n';
    assert.deepEqual(cli(['exec', code]).stderr.split('\n').slice(-2), ['Odd: boom', '']);
  });

  it('of a chain longer than eight, prints the eight exceptions nearest the last one, as the end of what python3 prints', () => {
    const script =
      'def f(n):\n    try:\n        if n == 0:\n            raise ValueError("bottom")\n        f(n - 1)\n    except Exception as e:\n        raise KeyError(n) from e\n\nf(12)\n';
    const [{ python3, ours }] = besidePython3([script]);
    assert.equal(ours.status, 1);
    assert.equal(ours.stderr.split('\nThe above exception was the direct cause').length, 9, 'eight links');
    assert.ok(python3.stderr.endsWith(ours.stderr), ours.stderr);
    assert.match(ours.stderr, /^Traceback[^]*\nKeyError: 4\n\nThe above/);
  });

  it('sys.exit() and exit() end as python3 does: with the status and no traceback, or a message on stderr and status 1', () => {
    assert.deepEqual(cli(['exec', 'import sys\nprint("done")\nsys.exit(0)']), { status: 0, stdout: 'done\n', stderr: '' });
    assert.deepEqual(cli(['exec', 'import sys; sys.exit(3)']), { status: 3, stdout: '', stderr: '' });
    assert.deepEqual(cli(['exec', 'import sys; sys.exit(-1)']), { status: 255, stdout: '', stderr: '' });
    assert.deepEqual(cli(['exec', 'exit()']), { status: 0, stdout: '', stderr: '' });
    // python3 takes -1 for a status past a C long long, and an int subclass's own value (its methods unasked).
    assert.deepEqual(cli(['exec', 'import sys; sys.exit(2**100)']), { status: 255, stdout: '', stderr: '' });
    assert.deepEqual(
      cli([
        'exec',
        'import sys\nclass Code(int):\n  def __and__(self, other): return "x"\n  def __bool__(self): raise ValueError\nsys.exit(Code(3))',
      ]),
      { status: 3, stdout: '', stderr: '' },
    );
    assert.deepEqual(cli(['exec', 'quit(4)']), { status: 4, stdout: '', stderr: '' });
    assert.deepEqual(cli(['exec', 'import sys; sys.exit("the list must be sorted")']), {
      status: 1,
      stdout: '',
      stderr: 'the list must be sorted\n',
    });
    assert.deepEqual(
      cli(['--json', 'exec', 'exit(0)']),
      { status: 1, stdout: '{"err":"SystemExit: 0"}\n', stderr: '' },
      '--json keeps the contract',
    );
  });

  it('a KeyboardInterrupt the code raises and leaves uncaught ends as python3 ends: its traceback, status 130', () => {
    const [{ python3, ours }] = besidePython3(['def stop():\n    raise KeyboardInterrupt\n\nstop()\n']);
    // spawnSync reports python3's death by SIGINT as a signal; a shell says 130.
    assert.equal(python3.signal, 'SIGINT');
    assert.deepEqual(ours, { status: 130, stdout: '', stderr: python3.stderr });
  });

  it('carets stand under the expression that raised in a line with non-ASCII characters', () => {
    const code = 'def büyük(söz):\n    return söz.upper()\n\nprint("çok güzel", büyük(None))\n';
    assert.deepEqual(cli(['exec', code]).stderr.split('\n').slice(2, 4), [
      '    print("çok güzel", büyük(None))',
      '                       ^^^^^^^^^^^',
    ]);
  });

  it('--help prints the usage on stdout, --version the versions of the tool, Pyodide and Python; both exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const help = cli([flag]);
      assert.deepEqual([help.status, help.stderr], [0, '']);
      assert.match(help.stdout, /^usage: python-sandbox \[options\] exec\|eval CODE/);
    }
    const { version } = JSON.parse(fs.readFileSync(path.join(distDir, '..', 'package.json'), 'utf8')) as { version: string };
    const lock = JSON.parse(fs.readFileSync(path.join(distDir, 'pyodide', 'pyodide-lock.json'), 'utf8')) as { info: { python: string } };
    assert.deepEqual(cli(['--version']), {
      status: 0,
      stdout: `python-sandbox ${version} (Pyodide ${pyodideVersion}, Python ${lock.info.python})\n`,
      stderr: '',
    });
  });

  it("--max-output-bytes sets the output cap, within the extension's bounds; cut output says so on stderr, with --json too", () => {
    const code = 'print("x" * 5000)';
    const plain = cli(['--max-output-bytes', '1024', 'exec', code]);
    assert.equal(plain.status, 0);
    assert.ok(plain.stdout.length <= 1024 + 64, `about 1024 bytes of output, not ${plain.stdout.length}`);
    assert.equal(plain.stderr, '[output truncated: more than 1024 bytes; --max-output-bytes sets the cap]\n');
    const json = cli(['--json', '--max-output-bytes', '1024', 'exec', code]);
    assert.equal(json.stderr, plain.stderr);
    const contract = JSON.parse(json.stdout) as { ok: string };
    assert.equal(json.stdout.split('\n').length, 2, 'one line on stdout');
    assert.ok(contract.ok.length < 5000);
    assert.deepEqual(cli(['--json', 'exec', code]).stderr, '', 'under the default cap nothing is said');
    for (const bad of ['1023', '104857601', '2.5']) assert.equal(cli(['--max-output-bytes', bad, 'exec', 'pass']).status, 2, bad);
  });

  it('reads the code from stdin with -', () => {
    assert.deepEqual(cli(['exec', '-'], 'for i in range(3):\n    print(i)\n'), { status: 0, stdout: '0\n1\n2\n', stderr: '' });
  });

  it('exec of a path ending in .py runs that file, as python3 runs a script: tracebacks name it, and input() reads stdin', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-cli-'));
    try {
      const script = path.join(folder, 'greet.py');
      fs.writeFileSync(script, 'name = input("name? ")\nprint("hello", name)\n1 / 0\n');
      const result = cli(['exec', script], 'Ada\n');
      assert.deepEqual([result.status, result.stdout], [1, 'name? hello Ada\n']);
      assert.ok(result.stderr.startsWith(`Traceback (most recent call last):\n  File "${script}", line 3, in <module>\n`), result.stderr);
      const missing = cli(['exec', path.join(folder, 'missing.py')]);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /^can't open file '.*missing\.py'/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a script runs as __main__ with its __file__ and sys.argv, so doctest.testmod(), warnings and pickle see it as python3 does', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-cli-'));
    try {
      const lines = [
        '"""What the script is."""',
        'import doctest, os, pickle, sys, warnings',
        'class Point:',
        '    def __init__(self, x):',
        '        self.x = x',
        'def double(x):',
        '    """',
        '    >>> double(2)',
        '    5',
        '    """',
        '    return x * 2',
        'print(__name__, __doc__, sys.argv, os.path.basename(__file__), os.path.isabs(__file__))',
        'print(sys.modules["__main__"].double is double, pickle.loads(pickle.dumps(Point(3))).x)',
        'warnings.warn("careful")',
        'print(doctest.testmod())',
        '1 / 0',
      ];
      fs.writeFileSync(path.join(folder, 'doubled.py'), `${lines.join('\n')}\n`);
      const result = cli(['exec', 'doubled.py'], '', folder);
      assert.equal(result.status, 1);
      const out = result.stdout.split('\n');
      assert.deepEqual(out.slice(0, 2), ["__main__ What the script is. ['doubled.py'] doubled.py True", 'True 3']);
      assert.match(out[3], /^File ".*\/doubled\.py", line 8, in __main__\.double$/);
      assert.deepEqual(out.slice(4, 10), ['Failed example:', '    double(2)', 'Expected:', '    5', 'Got:', '    4']);
      assert.equal(out.at(-2), 'TestResults(failed=1, attempted=1)');
      const err = result.stderr.split('\n');
      assert.match(err[0], /^\S*\/doubled\.py:14: UserWarning: careful$/);
      // The uncaught error names the script by its absolute path, as python3 does.
      assert.equal(err[3], `  File "${path.join(fs.realpathSync(folder), 'doubled.py')}", line 16, in <module>`);
      const inline = cli(['exec', '-'], 'import sys\nanswer = 42\nprint(sys.modules["__main__"].answer)\n');
      assert.deepEqual(inline, { status: 0, stdout: '42\n', stderr: '' }, 'code from stdin runs as __main__ too');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it("a script's arguments follow it, as with python3, into sys.argv (those that start with - after --); its namespace is a plain module's", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-cli-'));
    try {
      fs.writeFileSync(path.join(folder, 'args.py'), 'import sys\nprint(sys.argv)\n');
      assert.deepEqual(cli(['exec', 'args.py', 'one', 'two words', '--', '--flag', '-x'], '', folder), {
        status: 0,
        stdout: "['args.py', 'one', 'two words', '--flag', '-x']\n",
        stderr: '',
      });
      // Nothing of the sandbox's IPython is in a script's namespace, as nothing is in python3's.
      fs.writeFileSync(path.join(folder, 'plain.py'), 'print([name for name in dir() if not name.startswith("__")])\n');
      assert.deepEqual(cli(['exec', 'plain.py'], '', folder), { status: 0, stdout: '[]\n', stderr: '' });
      fs.writeFileSync(path.join(folder, 'magic.py'), '%time 1\n');
      const magic = cli(['exec', 'magic.py'], '', folder);
      assert.deepEqual([magic.status, magic.stderr.split('\n').at(-2)], [1, 'SyntaxError: invalid syntax'], 'a magic is not Python');
      const text = cli(['exec', 'print(1)', 'extra']);
      assert.equal(text.status, 2, 'code given as text takes no arguments');
      assert.match(text.stderr, /only a \.py file takes arguments/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('code starting with a UTF-8 byte order mark runs from a file or stdin, as python3 runs it', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-cli-'));
    try {
      const script = path.join(folder, 'bom.py');
      fs.writeFileSync(script, '\uFEFFprint("no BOM in sight")\n');
      assert.deepEqual(cli(['exec', script]), { status: 0, stdout: 'no BOM in sight\n', stderr: '' });
      assert.deepEqual(cli(['exec', '-'], '\uFEFFprint("from stdin")\n'), { status: 0, stdout: 'from stdin\n', stderr: '' });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('Ctrl-C raises KeyboardInterrupt in the running code and ends as python3 does: its traceback, status 130', async () => {
    const child = spawn(process.execPath, [
      path.join(distDir, 'cli.js'),
      'exec',
      'import time\nprint("started", flush=True)\nwhile True:\n    time.sleep(0.05)\n',
    ]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('started')) resolve();
      }),
    );
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.equal(stdout, 'started\n');
    assert.match(stderr, /^Traceback \(most recent call last\):\n {2}File "<string>", line 4, in <module>\n[\s\S]*\nKeyboardInterrupt\n$/);
  });

  it('answers input() from stdin, and EOFError at its end', () => {
    const result = cli(['exec', 'print(input("name? "))\ninput()'], 'Ada\n');
    assert.deepEqual([result.status, result.stdout], [1, 'name? Ada\n']);
    assert.match(result.stderr, /\n {4}input\(\)\nEOFError: EOF when reading a line\n$/);
  });

  it('reads stdin as bytes through sys.stdin.buffer, as python3 does', () => {
    const code = [
      'import io, sys',
      'read = sys.stdin.buffer.readline',
      'print(int(read()), read())',
      'print(sys.stdin.buffer.read(4))',
      'print([line.split() for line in io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")])',
    ].join('\n');
    const stdin = '2\ncafé 4\nx y\nlast\n';
    const python3 = spawnSync('python3', ['-c', code], { input: stdin, encoding: 'utf8', env: {} });
    assert.equal(python3.stdout, "2 b'caf\\xc3\\xa9 4\\n'\nb'x y\\n'\n[['last']]\n");
    assert.deepEqual(cli(['exec', code], stdin), { status: 0, stdout: python3.stdout, stderr: '' });
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

  it('numbers are bounded as the extension bounds its settings: --memory-mb 64 to 4096, --timeout-ms up to 24 hours', () => {
    for (const args of [
      ['--memory-mb', '1'],
      ['--memory-mb', '100000'],
      ['--timeout-ms', '0'],
      ['--timeout-ms', String(2 ** 31)],
      ['--timeout-ms', String(24 * 3600 * 1000 + 1)],
    ]) {
      const result = cli([...args, 'exec', 'pass']);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, new RegExp(`^${args[0]} takes a whole number from \\d+ to \\d+, not '${args[1]}'`), args.join(' '));
    }
    assert.deepEqual(cli(['--memory-mb', '64', '--timeout-ms', String(24 * 3600 * 1000), 'eval', '1']), {
      status: 0,
      stdout: '1\n',
      stderr: '',
    });
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
      assert.match(result.stderr, /^usage: python-sandbox /m);
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

  it("a script in a folder read with --read imports the modules beside it, as python3 puts the script's folder first on sys.path", () => {
    fs.mkdirSync(path.join(project, 'tool'));
    try {
      fs.writeFileSync(path.join(project, 'tool', 'helper.py'), 'ANSWER = 42\n');
      fs.writeFileSync(
        path.join(project, 'tool', 'main.py'),
        'import os, sys, helper\nprint(helper.ANSWER, os.path.basename(sys.path[0]))\n',
      );
      assert.deepEqual(cli(['--read', 'tool', 'exec', 'tool/main.py'], '', project), { status: 0, stdout: '42 tool\n', stderr: '' });
    } finally {
      fs.rmSync(path.join(project, 'tool'), { recursive: true, force: true });
    }
  });

  it('--read DIR shows the folder at the same relative path, and nothing else', () => {
    const read = cli(['--read', 'data', 'exec', 'import csv\nprint(list(csv.reader(open("data/x.csv"))))'], '', project);
    assert.deepEqual(read, { status: 0, stdout: "[['a', 'b'], ['1', '2']]\n", stderr: '' });
    const refused = cli(['--read', 'data', 'exec', 'open("secret.txt")'], '', project);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /\nFileNotFoundError: .*'secret.txt'; the sandbox reads only the folders named with --read\n$/);
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

  it('--output-dir writes through no link it finds there: a file or a folder that is a link is refused, the outside untouched', () => {
    // A hostile project can carry links in the folder the user names: writing through them would write outside it.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'victim.txt'), 'untouched');
      fs.mkdirSync(path.join(project, 'linked-results'));
      fs.symlinkSync(path.join(outside, 'victim.txt'), path.join(project, 'linked-results', 'victim.txt'));
      fs.symlinkSync(outside, path.join(project, 'linked-results', 'sub'));
      const writes = {
        'victim.txt': 'import os\nos.makedirs("output")\nopen("output/victim.txt", "w").write("pwned")',
        sub: 'import os\nos.makedirs("output/sub")\nopen("output/sub/new.txt", "w").write("pwned")',
      };
      for (const [link, code] of Object.entries(writes)) {
        const result = cli(['--output-dir', 'linked-results', 'exec', code], '', project);
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`not saved: .*linked-results/${link} is a symbolic link, which is never followed`));
      }
      // With --json, the run's one line stands: the failed save is said on stderr and in the status only.
      const json = cli(['--json', '--output-dir', 'linked-results', 'exec', writes.sub], '', project);
      assert.deepEqual({ status: json.status, stdout: json.stdout }, { status: 2, stdout: '{"ok":""}\n' });
      assert.equal(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'untouched');
      assert.deepEqual(fs.readdirSync(outside), ['victim.txt']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
      fs.rmSync(path.join(project, 'linked-results'), { recursive: true, force: true });
    }
  });

  it('--read refuses a folder outside the current directory, a link, and what is not a folder', () => {
    for (const dir of ['..', '/etc', 'linked', 'secret.txt', 'missing']) {
      const result = cli(['--read', dir, 'exec', 'pass'], '', project);
      assert.equal(result.status, 2, dir);
      assert.match(result.stderr, new RegExp(`^--read ${dir}: `), dir);
    }
  });
});
