import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import type { DisplayData, DisplayItem } from '../../src/sandbox/protocol';
import type { RunOptions } from '../../src/sandbox/client';
import { toContract, type RunResult } from '../../src/sandbox/result';
import { sandboxFor } from './sandbox';

/** What a run sent, in the order it arrived: output text and display bundles. */
type Event = { readonly write: string } | { readonly display: DisplayData };

/** The data of one MIME type in a bundle (base64 decoded to text for assertions on bytes use `bytesOf`). */
function item(data: DisplayData, mime: string): DisplayItem | undefined {
  return data.items.find((i) => i.mime === mime);
}

const bytesOf = (i: DisplayItem | undefined): Buffer => Buffer.from(i?.data ?? '', i?.encoding === 'base64' ? 'base64' : 'utf8');

/** A valid 1x1 PNG, made the way the UI check makes one in Python (zlib and struct). */
function tinyPng(): Buffer {
  const chunk = (type: string, body: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), body])));
    return Buffer.concat([length, Buffer.from(type), body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('display protocol', function () {
  const sandbox = sandboxFor(this);

  /** Runs exec and records what it sent, in order. */
  async function record(code: string, options: RunOptions = {}): Promise<{ events: Event[]; displays: DisplayData[]; result: RunResult }> {
    const events: Event[] = [];
    const run = sandbox().run('exec', code, options);
    run.onDidWrite(({ text }) => events.push({ write: text }));
    run.onDidDisplay((display) => events.push({ display }));
    const result = await run.result;
    return { events, displays: events.flatMap((e) => ('display' in e ? [e.display] : [])), result };
  }

  it('every _repr_*_ method gives its MIME type, and text/plain comes from repr', async () => {
    const png = tinyPng();
    const code = `import base64
class Rich:
    def _repr_png_(self): return base64.b64decode(${JSON.stringify(png.toString('base64'))})
    def _repr_jpeg_(self): return b'\\xff\\xd8\\xff\\xe0jpeg'
    def _repr_svg_(self): return '<svg xmlns="http://www.w3.org/2000/svg"/>'
    def _repr_html_(self): return '<b>rich</b>'
    def _repr_markdown_(self): return '**rich**'
    def _repr_json_(self): return {'a': [1, 2]}
    def _repr_latex_(self): return r'$\\alpha$'
    def __repr__(self): return 'Rich()'
display(Rich())`;
    const { displays, result } = await record(code);
    assert.equal(result.error, undefined);
    assert.equal(displays.length, 1);
    const [shown] = displays;
    assert.equal(shown.kind, 'display');
    assert.deepEqual(shown.items.map((i) => i.mime).sort(), [
      'application/json',
      'image/jpeg',
      'image/png',
      'image/svg+xml',
      'text/html',
      'text/latex',
      'text/markdown',
      'text/plain',
    ]);
    assert.deepEqual(bytesOf(item(shown, 'image/png')), png, 'PNG bytes arrive intact, in base64');
    assert.equal(item(shown, 'image/png')?.encoding, 'base64');
    assert.deepEqual(bytesOf(item(shown, 'image/jpeg')), Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('jpeg')]));
    assert.deepEqual(item(shown, 'image/svg+xml'), {
      mime: 'image/svg+xml',
      data: '<svg xmlns="http://www.w3.org/2000/svg"/>',
      encoding: 'text',
    });
    assert.equal(item(shown, 'text/html')?.data, '<b>rich</b>');
    assert.equal(item(shown, 'text/markdown')?.data, '**rich**');
    assert.deepEqual(JSON.parse(item(shown, 'application/json')!.data), { a: [1, 2] });
    assert.equal(item(shown, 'text/latex')?.data, '$\\alpha$');
    assert.equal(item(shown, 'text/plain')?.data, 'Rich()');
  });

  it('a plain object is text/plain alone; a class is shown by its name (as IPython shows it), not its methods', async () => {
    const code = `class Html:
    def _repr_html_(self): return '<i>x</i>'
display(42, Html)`;
    const { displays } = await record(code);
    assert.deepEqual(
      displays.map((d) => d.items),
      [[{ mime: 'text/plain', data: '42', encoding: 'text' }], [{ mime: 'text/plain', data: '__main__.Html', encoding: 'text' }]],
    );
  });

  it('_repr_mimebundle_ gets include and exclude, its result is filtered (text/plain too), and _repr_*_ fill the rest', async () => {
    const code = `calls = []
class Bundle:
    def _repr_mimebundle_(self, include=None, exclude=None):
        calls.append((include, exclude))
        return {'text/html': '<p>bundle</p>', 'application/vnd.custom+json': {'k': 1}, 'text/plain': 'Bundle!'}, {'text/html': {}}
    def _repr_markdown_(self): return '*md*'
    def _repr_html_(self): return 'not used: the bundle has text/html'
display(Bundle())
display(Bundle(), include=['text/html', 'text/markdown'])
display(Bundle(), exclude=['text/html'])
display([1, 2], include=['text/html'])
print(calls)`;
    const { displays, result } = await record(code);
    const types = displays.map((d) => d.items.map((i) => i.mime).sort());
    assert.deepEqual(
      types,
      [
        ['application/vnd.custom+json', 'text/html', 'text/markdown', 'text/plain'],
        ['text/html', 'text/markdown'],
        ['application/vnd.custom+json', 'text/markdown', 'text/plain'],
      ],
      'include and exclude filter text/plain too, and an object left with no type is not shown, as in IPython',
    );
    assert.equal(item(displays[0], 'text/html')?.data, '<p>bundle</p>');
    assert.equal(item(displays[0], 'text/plain')?.data, 'Bundle!', "the bundle's own text/plain wins over repr");
    assert.deepEqual(JSON.parse(item(displays[0], 'application/vnd.custom+json')!.data), { k: 1 });
    assert.equal(result.output, "[(None, None), (['text/html', 'text/markdown'], None), (None, ['text/html'])]\n");
  });

  it('display() of several objects sends one bundle each, in order; raw=True sends ready bundles', async () => {
    const { displays } = await record(`display('a', 2, [3])\ndisplay({'text/html': '<hr>', 'text/plain': '---'}, raw=True)`);
    assert.deepEqual(
      displays.map((d) => d.items.map((i) => i.data)),
      [["'a'"], ['2'], ['[3]'], ['<hr>', '---']],
    );
  });

  it('display data comes in order with the printed output, flushed or not', async () => {
    const code = `import sys
print('before', end='')
display(1)
print('between', file=sys.stderr)
display(2)
print('after')`;
    const { events, result } = await record(code);
    const flat = events.map((e) => ('write' in e ? `write:${e.write}` : `display:${item(e.display, 'text/plain')?.data}`));
    assert.deepEqual(flat, ['write:before', 'display:1', 'write:between\n', 'display:2', 'write:after\n']);
    assert.deepEqual(toContract(result), { ok: 'beforebetween\nafter\n' }, 'exec still returns the printed text, nothing displayed');
  });

  it('many displays between prints keep their places while output streams', async () => {
    const { events } = await record("import time\nfor i in range(300):\n    display(i)\n    print(i, end=' ')\n    time.sleep(0.0005)");
    let expected = '';
    let got = '';
    for (let i = 0; i < 300; i++) expected += `[${i}]${i} `;
    for (const e of events) got += 'write' in e ? e.write : `[${item(e.display, 'text/plain')?.data}]`;
    assert.equal(got, expected);
  });

  it('a final expression is display data of kind result when asked for; None is not shown', async () => {
    const asked = await record("print('x')\n'value'", { displayLastValue: 'all' });
    assert.deepEqual(
      asked.displays.map((d) => [d.kind, d.items]),
      [['result', [{ mime: 'text/plain', data: "'value'", encoding: 'text' }]]],
    );
    assert.deepEqual(toContract(asked.result), { ok: 'x\n' });
    assert.equal(asked.result.lastValue, undefined, 'no repr unless captureLastValue asks');
    const both = await record('[1, 2]', { displayLastValue: 'all', captureLastValue: true });
    assert.equal(both.result.lastValue, '[1, 2]');
    assert.equal(both.displays.length, 1, 'the expression ran once and was shown once');
    assert.deepEqual((await record('None', { displayLastValue: 'all' })).displays, []);
    // 'rich' (the editor's choice, whose inline value shows the repr): only values with more than text.
    assert.deepEqual((await record("'plain'", { displayLastValue: 'rich' })).displays, []);
    const rich = await record("class T:\n    def _repr_html_(self): return '<table></table>'\nT()", { displayLastValue: 'rich' });
    assert.deepEqual(
      rich.displays.map((d) => d.items.map((i) => i.mime)),
      [['text/html', 'text/plain']],
    );
    assert.deepEqual((await record("'not asked'")).displays, []);
  });

  it('eval still returns JSON; display() inside it is display data', async () => {
    const events: DisplayData[] = [];
    const run = sandbox().run('eval', "display('shown')");
    run.onDidDisplay((d) => events.push(d));
    assert.deepEqual(toContract(await run.result), { ok: 'null' });
    assert.equal(events.length, 1);
  });

  it('an item over 10 MiB is replaced by a note; 10 MiB exactly passes', async () => {
    const code = `class Big:
    def __init__(self, n): self.n = n
    def _repr_png_(self): return b'\\x89PNG' + bytes(self.n - 4)
    def __repr__(self): return f'Big({self.n})'
display(Big(10 * 2**20 + 1))
display(Big(10 * 2**20))`;
    const { displays, result } = await record(code);
    assert.equal(result.error, undefined);
    const [over, exact] = displays;
    assert.equal(item(over, 'image/png'), undefined, 'the oversized image is left out');
    assert.equal(
      item(over, 'text/plain')?.data,
      'Big(10485761)\n[image/png not shown: 10.0 MiB is over the 10.0 MiB limit for one display item]',
    );
    assert.equal(bytesOf(item(exact, 'image/png')).length, 10 * 2 ** 20);
  });

  it('a failing _repr_*_ method is reported on stderr and skipped; a bad MIME type is left out with a note', async () => {
    const code = `class Broken:
    def _repr_html_(self): raise ValueError('no html today')
    def _repr_mimebundle_(self, include=None, exclude=None): return {'not a mime': 'x', 'text/x-ok': 'fine'}
    def __repr__(self): return 'Broken()'
display(Broken())`;
    const { events } = await record(code);
    assert.deepEqual(events[0], { write: 'display: Broken._repr_html_() raised ValueError: no html today\n' });
    const shown = (events[1] as { display: DisplayData }).display;
    assert.equal(item(shown, 'text/html'), undefined);
    assert.equal(item(shown, 'text/x-ok')?.data, 'fine');
    assert.equal(item(shown, 'text/plain')?.data, "Broken()\n['not a mime' is not a MIME type; left out]");
  });

  it('a run displays at most 1000 objects; past that a note says the rest is not shown', async () => {
    const { displays, result } = await record('for i in range(1005):\n    display(i)');
    assert.equal(displays.length, 1000);
    assert.equal(item(displays[999], 'text/plain')?.data, '999');
    assert.match(result.output, /^display: this run displayed 1000 objects or 64\.0 MiB; the rest is not shown\n$/);
    assert.equal((await record('display(1)')).displays.length, 1, 'the next run has a budget of its own');
  });

  it('matplotlib: Agg is selected before import, plt.show() and the end of a run display open figures as PNG and close them', async () => {
    // Real matplotlib cannot be installed here (no network); a stand-in package with pyplot's
    // API (figure, get_fignums, close, show) and a Figure whose savefig writes PNG bytes.
    const code = `import os, sys, tempfile
root = tempfile.mkdtemp()
os.makedirs(os.path.join(root, 'matplotlib'))
files = {
    '__init__.py': 'import os\\nbackend_at_import = os.environ.get("MPLBACKEND")\\n',
    'figure.py': '''class Figure:
    def __init__(self, number): self.number = number
    def savefig(self, target, format=None, **kwargs):
        target.write(b"\\\\x89PNG-figure-%d-" % self.number + format.encode())
''',
    'pyplot.py': '''from matplotlib.figure import Figure
_open = {}
def figure(num=None):
    num = num if num is not None else max(_open, default=0) + 1
    return _open.setdefault(num, Figure(num))
def get_fignums(): return sorted(_open)
def close(fig): _open.pop(fig.number)
def show(): raise AssertionError("the real show() ran")
''',
}
for name, text in files.items():
    with open(os.path.join(root, 'matplotlib', name), 'w') as f:
        f.write(text)
sys.path.insert(0, root)
import matplotlib
import matplotlib.pyplot as plt
print(matplotlib.backend_at_import)
plt.figure()
plt.figure()
plt.show()
print(plt.get_fignums())
plt.figure(7)`;
    const { events, result } = await record(code, { displayLastValue: 'all' });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    const flat = events.map((e) =>
      'write' in e ? e.write : `${e.display.kind}:${bytesOf(item(e.display, 'image/png')).toString('latin1')}`,
    );
    assert.deepEqual(flat, [
      'Agg\n',
      'display:\x89PNG-figure-1-png',
      'display:\x89PNG-figure-2-png',
      '[]\n',
      'result:\x89PNG-figure-7-png',
      // As IPython's inline backend does after a cell: a figure left open is displayed (so a figure
      // that is the cell's value shows twice, as in Jupyter), then closed.
      'display:\x89PNG-figure-7-png',
    ]);
    const after = await record('import matplotlib.pyplot as plt\nprint(plt.get_fignums())');
    assert.equal(after.result.output, '[]\n', 'the figure was closed');
    const editor = await record('figure = plt.figure(9)', { displayLastValue: 'rich' });
    assert.deepEqual(
      editor.displays.map((d) => `${d.kind}:${bytesOf(item(d, 'image/png')).toString('latin1')}`),
      ['display:\x89PNG-figure-9-png'],
      'an editor run displays the figures it left open too',
    );
  });
});
