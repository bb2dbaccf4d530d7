/**
 * The sandbox's IPython, in the real runtime: values shown as IPython shows them, `_` and the
 * history, magics parsed and run as IPython's (with tracebacks at the cell's own lines), shell
 * commands refused, and the `IPython` package it offers, offline.
 */
import * as assert from 'node:assert/strict';
import type { RunOptions } from '../../src/sandbox/client';
import type { DisplayData, TraceFrame } from '../../src/sandbox/protocol';
import type { RunResult } from '../../src/sandbox/result';
import { createNodeClient } from '../../src/sandbox/node-client';
import { distDir, sandboxFor } from './sandbox';

describe('IPython in the sandbox', function () {
  const sandbox = sandboxFor(this);
  let cell = 0;

  /** Runs `code` as notebook cell [N] (counted here) and records what it showed. */
  async function run(code: string, options: RunOptions = {}): Promise<{ result: RunResult; shown: DisplayData[]; text: string[] }> {
    const shown: DisplayData[] = [];
    const running = sandbox().run('exec', code, { displayLastValue: 'all', executionCount: ++cell, ...options });
    running.onDidDisplay((data) => shown.push(data));
    const result = await running.result;
    const text = shown.filter((d) => d.kind === 'result').map((d) => d.items.find((i) => i.mime === 'text/plain')?.data ?? '');
    return { result, shown, text };
  }

  const lines = (frames: readonly TraceFrame[]): number[] => frames.map((frame) => frame.line);

  it('shows a value as IPython does: 79 columns, sets sorted, Counter by count, cycles', async () => {
    assert.deepEqual((await run('list(range(30))')).text, [`[${Array.from({ length: 30 }, (_, i) => i).join(',\n ')}]`]);
    assert.deepEqual((await run("{'b': 1, 'a': 2}, {3, 1, 2}")).text, ["({'b': 1, 'a': 2}, {1, 2, 3})"]);
    assert.deepEqual((await run("from collections import Counter\nCounter('abbccc')")).text, ["Counter({'c': 3, 'b': 2, 'a': 1})"]);
    assert.deepEqual((await run('l = [1]\nl.append(l)\nl')).text, ['[1, [...]]']);
    assert.deepEqual((await run('len')).text, ['<function len(obj, /)>']);
    const long = await run("{f'key{i}': 'v' * 10 for i in range(6)}");
    assert.equal(long.text[0].split('\n').length, 6, 'a dict wider than 79 columns has a line per item');
    assert.ok(long.text[0].split('\n').every((line) => line.length <= 79));
  });

  it('an inline value (the editor) is the same text, and a trailing ; shows nothing', async () => {
    const editor = await sandbox().run('exec', 'set("cab")', { displayLastValue: 'rich', captureLastValue: true }).result;
    assert.equal(editor.lastValue, "{'a', 'b', 'c'}");
    const api = await sandbox().run('exec', 'set("cab")', { captureLastValue: true }).result;
    assert.match(api.lastValue ?? '', /^\{'.', '.', '.'\}$/, 'without display (the API, agents) it stays repr()');
    assert.deepEqual((await run('1 + 1;')).shown, []);
    assert.deepEqual((await run('1 + 1  # a comment; not quiet')).text, ['2']);
  });

  it('_, __, ___, _N, Out and In behave as in IPython', async () => {
    const first = cell + 1;
    await run('10');
    await run('x = 5'); // no value: _ stays
    await run("'twenty'");
    await run('30;'); // quiet: not remembered
    assert.deepEqual((await run('(_, __)')).text, ["('twenty', 10)"]);
    assert.deepEqual((await run(`(___, _${first}, Out[${first + 2}], In[${first + 1}], _i${first + 1})`)).text, [
      `(10, 10, 'twenty', 'x = 5', 'x = 5')`,
    ]);
    assert.deepEqual((await run(`In[${first + 3}]`)).text, ["'30;'"]);
    assert.deepEqual((await run('%time 7')).text, ['7']);
    // In holds each cell as Python (as IPython keeps it), the running one last.
    assert.deepEqual((await run('In[-2:]')).text, [`["get_ipython().run_line_magic('time', '7')", 'In[-2:]']`]);
  });

  it('ast_node_interactivity "all" shows every expression from the next cell on, as IPython does', async () => {
    const set = await run(
      "from IPython.core.interactiveshell import InteractiveShell\nInteractiveShell.ast_node_interactivity = 'all'\n0\n1",
    );
    assert.deepEqual(set.text, ['1']);
    assert.deepEqual((await run('2\nx = 3\nx\nfor i in range(2): i')).text, ['2', '3', '0', '1']);
    await run("InteractiveShell.ast_node_interactivity = 'last_expr'");
    assert.deepEqual((await run('4\n5')).text, ['5']);
  });

  it('line and cell magics run, with tracebacks at the lines of the cell', async () => {
    const timed = await run('x = 1\n%time y = x + 1\ny');
    assert.equal(timed.result.error, undefined);
    assert.match(timed.result.output, /^CPU times: user .+, sys: .+, total: .+\nWall time: .+\n$/);
    assert.deepEqual(timed.text, ['2']);
    const cellTime = await run('%%time\nz = 3\nz * 2');
    assert.deepEqual(cellTime.text, ['6'], '%%time returns the value of the last expression');
    const timeit = await run('%timeit -n 5 -r 3 sum(range(10))');
    // On a busy machine IPython's note that the slowest run took longer may come first.
    assert.match(
      timeit.result.output,
      /^(The slowest run took .* cached\.\n)?\d+(\.\d+)? [nµm]?s ± \d+(\.\d+)? [nµm]?s per loop \(mean ± std\. dev\. of 3 runs, 5 loops each\)\n$/,
    );
    const cellTimeit = await run('%%timeit -n 2 -r 1 base = 10\nbase * 2');
    assert.match(cellTimeit.result.output, /of 1 run, 2 loops each\)\n$/);

    const inLine = await run('a = 1\n%time b = 1 / 0');
    assert.equal(inLine.result.error?.type, 'ZeroDivisionError');
    assert.deepEqual(lines(inLine.result.error!.frames), [2, 2], 'the magic, then the statement it timed (IPython: <timed exec>)');
    assert.equal(inLine.result.error!.frames[1].column, 10, 'the column is where 1 / 0 stands in the line');
    const inCell = await run('%%time\n\nb = 2\nc = missing');
    assert.equal(inCell.result.error?.type, 'NameError');
    assert.deepEqual(lines(inCell.result.error!.frames), [1, 4], 'the magic line, then the body line that raised');
    const inTimeit = await run('%%timeit -n1 -r1\n\n1 / 0');
    assert.deepEqual(lines(inTimeit.result.error!.frames).at(-1), 3);
    const syntax = await run('x = 1\n%time 1 +* 2');
    assert.equal(syntax.result.error?.type, 'SyntaxError');
    assert.deepEqual(lines(syntax.result.error!.frames), [2]);
    assert.equal(syntax.result.error!.frames[0].column, 9, 'the caret is under the * in the cell');
    const continued = await run('%time x = 1 + \\\n  2\ny = missing_after');
    assert.deepEqual(lines(continued.result.error!.frames), [3], 'a continued magic keeps its lines: later lines are where they were');
  });

  it('%prun and %%prun profile the code and print its statistics as the output (Jupyter: its pager)', async () => {
    const line = await run('def f(n):\n    return sum(range(n))\n%prun -s cumulative f(10)');
    assert.equal(line.result.error, undefined);
    assert.match(line.result.output, /^ +\d+ function calls in [\d.]+ seconds\n\n {3}Ordered by: cumulative time\n/);
    assert.match(line.result.output, /:1\(f\)\n/, 'the function the cell defined, by its line');
    assert.match(line.result.output, /\n $/, "then IPython's ' ' on stdout");
    const quiet = await run('stats = %prun -q -r f(5)\nstats.total_calls > 0');
    assert.deepEqual([quiet.result.output, quiet.text], ['', ['True']]);
    const cell = await run('%%prun -l 1 -s calls\nf(3)\nf(4)');
    assert.match(cell.result.output, /List reduced from \d+ to 1 due to restriction <1>/);
    const failing = await run('x = 1\n%prun 1 / 0');
    assert.equal(failing.result.error?.type, 'ZeroDivisionError');
    assert.deepEqual(lines(failing.result.error!.frames).at(-1), 2);
  });

  it("%run -t runs a file and prints its times as IPython does; the file's error is the cell's", async () => {
    await run('%%writefile timed.py\ntotal = sum(range(10))');
    const timed = await run('%run -t timed.py\ntotal');
    assert.equal(timed.result.error, undefined);
    assert.match(
      timed.result.output,
      /^\nIPython CPU timings \(estimated\):\n {2}User {3}: +\d+\.\d\d s\.\n {2}System : +\d+\.\d\d s\.\nWall time: +\d+\.\d\d s\.\n$/,
    );
    assert.deepEqual(timed.text, ['45']);
    await run('%%writefile broken.py\nraise ValueError("from the file")');
    const failing = await run('x = 1\n%run broken.py');
    assert.equal(failing.result.error?.type, 'ValueError');
    assert.deepEqual(lines(failing.result.error!.frames), [2], "the cell's line that ran it");
  });

  it('shell commands are refused with a clear error, never a syntax error; so is an unknown magic, by its name', async () => {
    for (const code of ['!ls', 'files = !ls -l', '%%bash\nls', '%sx ls', '%system ls']) {
      const { result } = await run(code);
      assert.equal(result.error?.type, 'UsageError', code);
      assert.match(result.error!.message, /the sandbox runs no programs/, code);
    }
    assert.match((await run('!pip install numpy')).result.error!.message, /use %pip install/);
    const unknown = await run('x = 1\n%frobnicate now');
    assert.equal(unknown.result.error?.message, 'Line magic function `%frobnicate` not found.');
    assert.deepEqual(lines(unknown.result.error!.frames), [2]);
    assert.match((await run('%load_ext autoreload')).result.error!.message, /%load_ext autoreload: .* loads no extensions/);
  });

  it('%who, %whos, %reset -f, %env, %matplotlib inline, %lsmagic', async () => {
    await run('%reset -f');
    await run("alpha = 1\nbeta = 'two'\nimport math");
    assert.equal((await run('%who')).result.output, 'alpha\t beta\t math\t \n');
    assert.deepEqual((await run('%who_ls int')).text, ["['alpha']"]);
    const whos = await run('%whos');
    assert.match(
      whos.result.output,
      /^Variable   Type      Data\/Info\n-+\nalpha      int       1\nbeta       str       two\nmath       module    <module 'math'/,
    );
    await run('%reset -f');
    assert.equal((await run('%who')).result.output, 'Interactive namespace is empty.\n');
    assert.equal((await run("'alpha' in globals(), 'In' in globals()")).text[0], '(False, True)');
    const env = await run('%env');
    assert.match(env.text[0], /'HOME': '\/home\/pyodide'/, "the sandbox's own environment");
    assert.ok(!env.text[0].includes(`'HOME': '${process.env.HOME}'`), 'not the host one');
    assert.equal((await run('%env GREETING=hello\nimport os\nos.environ["GREETING"]')).text[0], "'hello'");
    assert.equal((await run('%matplotlib inline')).result.error, undefined);
    assert.match((await run('%matplotlib qt')).result.error!.message, /inline only/);
    assert.match((await run('%lsmagic')).result.output, /%time .*%timeit/s);
  });

  it('obj? and obj?? print help; a missing object says so', async () => {
    await run('def square(n):\n    "The square of n."\n    return n * n');
    const help = await run('square?');
    assert.match(help.result.output, /^Signature: square\(n\)\nDocstring: The square of n\.\nType: +function\n$/);
    assert.match((await run('square??')).result.output, /Source:\ndef square\(n\):\n {4}"The square of n\."\n {4}return n \* n/);
    assert.equal((await run('nothing_here?')).result.output, 'Object `nothing_here` not found.\n');
    assert.match((await run('%time?')).result.output, /Time execution of a Python statement/);
    const usage = (await run('?')).result.output;
    assert.equal((await run('%quickref')).result.output, usage, '%quickref: the quick reference ? prints');
    const magics = (await run('%magic')).result.output;
    assert.ok(magics.startsWith(usage), '%magic: the reference, then each magic in a line');
    assert.match(magics, /\n%time: Time execution of a Python statement or expression\.\n/);
    assert.match(magics, /\n%%capture: /);
  });

  it('IPython is importable offline: display, the display objects, get_ipython; what it lacks, it says', async () => {
    const code = `from IPython.display import display, HTML, Markdown, Image, SVG, JSON, Math, Latex, Javascript, clear_output, update_display
from IPython import get_ipython
import base64
png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC')
display(HTML('<b>b</b>'), Markdown('*m*'), Image(png), SVG('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        JSON({'a': 1}), Math('x^2'), Latex('$y$'), Javascript('1'))
get_ipython() is not None`;
    const { result, shown, text } = await run(code);
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.deepEqual(
      shown.filter((d) => d.kind === 'display').map((d) => d.items.map((i) => i.mime).sort()),
      [
        ['text/html', 'text/plain'],
        ['text/markdown', 'text/plain'],
        ['image/png', 'text/plain'],
        ['image/svg+xml', 'text/plain'],
        ['application/json', 'text/plain'],
        ['text/latex', 'text/plain'],
        ['text/latex', 'text/plain'],
        ['application/javascript', 'text/plain'],
      ],
    );
    const plain = shown.map((d) => d.items.find((i) => i.mime === 'text/plain')?.data);
    assert.equal(plain[0], '<IPython.core.display.HTML object>');
    assert.equal(shown[5].items.find((i) => i.mime === 'text/latex')?.data, '$\\displaystyle x^2$');
    assert.equal(shown[3].items.find((i) => i.mime === 'image/svg+xml')?.data, '<svg xmlns="http://www.w3.org/2000/svg"/>');
    assert.deepEqual(text, ['True']);
    const missing = await run('from IPython.display import YouTubeVideo');
    assert.equal(missing.result.error?.type, 'ImportError');
    assert.match(missing.result.error!.message, /the sandbox's IPython is a small one of its own: .*IPython\.display \(display/);
    assert.match((await run('import IPython.terminal')).result.error!.message, /small one of its own/);
    assert.match((await run('import IPython\nIPython.embed')).result.error!.message, /has no attribute 'embed'.*small one of its own/);
    assert.match((await run('get_ipython().kernel')).result.error!.message, /has no attribute 'kernel'/);
    assert.match(
      (await run("from IPython.display import Image\nImage(url='https://example.com/a.png', embed=True)")).result.error!.message,
      /no network/,
    );
  });

  it('display ids: update_display and a DisplayHandle replace by id; clear_output clears (or waits)', async () => {
    const { shown } = await run(`from IPython.display import display, update_display, clear_output
handle = display('first', display_id=True)
display('shown', display_id='fixed')
update_display('updated', display_id='fixed')
handle.update('again')
clear_output(wait=True)`);
    const handleId = shown[0].displayId;
    assert.ok(handleId && handleId !== 'fixed');
    assert.deepEqual(
      shown.map((d) => [d.kind, d.displayId, d.items.find((i) => i.mime === 'text/plain')?.data, d.wait]),
      [
        ['display', handleId, "'first'", undefined],
        ['display', 'fixed', "'shown'", undefined],
        ['update', 'fixed', "'updated'", undefined],
        ['update', handleId, "'again'", undefined],
        ['clear', undefined, undefined, true],
      ],
    );
  });

  it('pasted prompts are read as IPython reads them; cell magics display what they hold', async () => {
    assert.deepEqual((await run('>>> pasted = 2\n>>> pasted * 21')).text, ['42']);
    assert.deepEqual((await run('In [7]: a = 1\n   ...: a + 1')).text, ['2']);
    const cells = await run('%%svg\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    assert.deepEqual(
      cells.shown[0].items.map((i) => [i.mime, i.data]),
      [
        ['image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
        ['text/plain', '<IPython.core.display.SVG object>'],
      ],
    );
    assert.equal((await run('%%latex\n$x$')).shown[0].items[0].mime, 'text/latex');
    assert.equal((await run('%%javascript\nconsole.log(1)')).shown[0].items[0].mime, 'application/javascript');
  });

  it('IPython is not in sys.modules until imported; _ipython_display_, events and Image(url=...) behave as in IPython', async () => {
    const client = createNodeClient({ distDir });
    try {
      const probe = "import sys\nprint('IPython' in sys.modules)\nimport IPython\nprint('IPython' in sys.modules)";
      assert.equal((await client.run('exec', probe).result).output, 'False\nTrue\n', 'checked in a runtime of its own');
    } finally {
      client.dispose();
    }
    const own = await run("class Own:\n    def _ipython_display_(self):\n        print('displayed itself')\nOwn()");
    assert.deepEqual([own.result.output, own.shown], ['displayed itself\n', []]);
    await run("seen = []\nget_ipython().events.register('post_run_cell', lambda result: seen.append(result.success))");
    await run('1 / 0');
    assert.deepEqual((await run('seen')).text, ['[True, False]']);
    const image = await run("from IPython.display import Image\nImage(url='https://example.com/a.png', width=20)");
    assert.deepEqual(
      image.shown[0].items.map((i) => [i.mime, i.data]),
      [
        ['text/html', '<img src="https://example.com/a.png" width="20"/>'],
        ['text/plain', '<IPython.core.display.Image object>'],
      ],
    );
  });

  it('%pip refuses what needs a file, another index or a variable, and what it cannot do', async () => {
    for (const line of ['%pip install -r requirements.txt', '%pip install -i https://example.com/simple x', '%pip uninstall x']) {
      const { result } = await run(line);
      assert.equal(result.error?.type, 'UsageError', line);
    }
    assert.match((await run('name = "x"\n%pip install {name}')).result.error!.message, /\{name\} not loaded/);
  });

  it('a fresh namespace (persistentNamespace off) starts its own history', async () => {
    const code = "print(repr(_), In, Out, 'get_ipython' in globals())";
    const result = await sandbox().run('exec', code, { fresh: true }).result;
    assert.equal(result.output, `'' ['', ${JSON.stringify(code)}] {} True\n`);
  });
});
