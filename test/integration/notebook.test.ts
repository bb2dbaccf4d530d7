import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bundledLockInfo, DEMO_PACKAGES, generatePackageIndex, servePackageIndex } from '../fixtures/package-index';
import {
  acceptInputBoxesUntil,
  closeAllEditors,
  command,
  CommandIds,
  dismissInputBoxesUntil,
  EXTENSION_ID,
  extension,
  peek,
  processExists,
  waitFor,
  withSettings,
} from './helpers';

const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const ERROR = 'application/vnd.code.notebook.error';

/** What the hidden kernelInfo command returns. */
interface KernelInfo {
  state: string;
  pid?: number;
  isolation?: string;
}

/** An output as the tests compare it: each item's MIME type and its data as text (base64 for images). */
type Output = Array<[mime: string, data: string]>;

let notebooks = 0;

/**
 * Writes an .ipynb with these code cells into the workspace, opens it in the notebook editor
 * (VS Code's own serializer reads it) and selects the Python Sandbox kernel for it.
 */
async function openNotebook(...cells: string[]): Promise<vscode.NotebookDocument> {
  await extension().activate();
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const uri = vscode.Uri.joinPath(folder, `notebook-${++notebooks}.ipynb`);
  const ipynb = {
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(ipynb)));
  // Opened as a person opens it: an extension's openNotebookDocument would keep the notebook
  // loaded for minutes after its editor closes.
  await command('vscode.open', uri);
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  assert.equal(notebook?.uri.toString(), uri.toString(), 'the notebook editor shows the file');
  assert.equal(notebook.notebookType, 'jupyter-notebook');
  await command('_notebook.selectKernel', { id: 'python-sandbox-kernel', extension: EXTENSION_ID });
  return notebook;
}

/**
 * Waits until VS Code's .ipynb extension has copied each execution count into its cell's
 * metadata, which it does with an edit a moment after the run: a notebook closed before that
 * edit is opened again by it.
 */
function countsRecorded(notebook: vscode.NotebookDocument): Promise<void> {
  return waitFor(
    () =>
      notebook
        .getCells()
        .every(
          (cell) =>
            cell.executionSummary?.executionOrder === undefined || cell.metadata.execution_count === cell.executionSummary.executionOrder,
        ),
    'the .ipynb extension to record the execution counts',
  );
}

/** Runs cells like the cell toolbar does; resolves when the kernel is done with them. */
async function runCells(notebook: vscode.NotebookDocument, start: number, end = start + 1): Promise<void> {
  await command('notebook.cell.execute', { ranges: [{ start, end }], document: notebook.uri });
  await countsRecorded(notebook);
}

function outputs(cell: vscode.NotebookCell): Output[] {
  return cell.outputs.map((output) =>
    output.items.map((item): [string, string] => [
      item.mime,
      Buffer.from(item.data).toString(item.mime.startsWith('image/png') ? 'base64' : 'utf8'),
    ]),
  );
}

/** The error a cell shows, as VS Code's error renderer gets it. */
function errorOf(cell: vscode.NotebookCell): { name: string; message: string; stack: string } {
  const item = cell.outputs.flatMap((o) => o.items).find((i) => i.mime === ERROR);
  assert.ok(item, `cell ${cell.index} shows an error; its outputs: ${JSON.stringify(outputs(cell))}`);
  return JSON.parse(Buffer.from(item.data).toString('utf8')) as { name: string; message: string; stack: string };
}

const kernelInfo = (notebook: vscode.NotebookDocument): Thenable<KernelInfo | undefined> =>
  command<KernelInfo | undefined>(CommandIds.kernelInfo, notebook.uri);

/** A 1x1 PNG written with the standard library, as the README's example does. */
const PNG_CELL = `import struct, zlib
def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
class Dot:
    def _repr_png_(self):
        header = struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)
        return b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(b'\\x00\\xff\\x00\\x00')) + chunk(b'IEND', b'')
    def __repr__(self):
        return 'Dot()'
print('before')
display(Dot())
print('after')
Dot()`;

describe('notebook kernel', () => {
  afterEach(closeAllEditors);

  it('runs cells in order with execution counts, streams, display data and the final expression', async () => {
    const notebook = await openNotebook(
      "x = 6 * 7\nprint('x is', x)",
      PNG_CELL,
      "import sys\nprint('to stderr', file=sys.stderr)\n{'html': x}",
    );
    await runCells(notebook, 0, 3);
    const [first, second, third] = notebook.getCells();
    assert.deepEqual(
      notebook.getCells().map((cell) => [cell.executionSummary?.executionOrder, cell.executionSummary?.success]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );
    assert.deepEqual(outputs(first), [[[STDOUT, 'x is 42\n']]]);
    const png = outputs(second);
    assert.deepEqual(png[0], [[STDOUT, 'before\n']]);
    assert.deepEqual(
      png[1].map(([mime]) => mime),
      ['image/png', 'text/plain'],
    );
    assert.match(png[1][0][1], /^iVBORw0KGgo/, 'the PNG arrives as bytes');
    assert.deepEqual(png[2], [[STDOUT, 'after\n']]);
    assert.deepEqual(png[3].map(([mime]) => mime).sort(), ['image/png', 'text/plain'], 'the final expression is shown too');
    assert.deepEqual(second.outputs[3].metadata, { outputType: 'execute_result', executionCount: 2 });
    assert.deepEqual(outputs(third), [[[STDERR, 'to stderr\n']], [['text/plain', "{'html': 42}"]]]);
    const timing = first.executionSummary?.timing;
    assert.ok(timing && timing.endTime >= timing.startTime, 'the cell is timed');
  });

  it('an error shows the traceback in the cell’s own lines, and Run All stops there', async () => {
    const notebook = await openNotebook(
      'def divide(a, b):\n    return a / b',
      "print('runs')\nresult = divide(1, 0)",
      "print('never runs')",
    );
    await command('notebook.execute'); // Run All
    await countsRecorded(notebook);
    const [, failing, after] = notebook.getCells();
    assert.equal(failing.executionSummary?.success, false);
    assert.deepEqual(outputs(failing)[0], [[STDOUT, 'runs\n']]);
    const error = errorOf(failing);
    assert.equal(error.name, 'ZeroDivisionError');
    assert.equal(error.message, 'division by zero');
    // Frames in other cells (divide is defined in the first) are not this cell's.
    assert.equal(error.stack, 'Cell In[2], line 2, in <module>\n----> 2 result = divide(1, 0)\n\nZeroDivisionError: division by zero');
    assert.equal(after.executionSummary?.executionOrder, undefined, 'the cell after the error did not run');
    assert.deepEqual(outputs(after), []);
  });

  it('a SyntaxError points at its column', async () => {
    const notebook = await openNotebook('x = (1,\ny = 2 +');
    await runCells(notebook, 0);
    const { name, stack } = errorOf(notebook.cellAt(0));
    assert.equal(name, 'SyntaxError');
    assert.match(stack, /^Cell In\[1\], line 1\n----> 1 x = \(1,\n {12}\^\n\nSyntaxError: '\(' was never closed$/);
  });

  it('each notebook has its own namespace and sandbox process; closing it ends the process', async () => {
    const first = await openNotebook('shared_name = 1');
    await runCells(first, 0);
    const firstPid = (await kernelInfo(first))?.pid;
    const second = await openNotebook('shared_name');
    await runCells(second, 0);
    assert.equal(errorOf(second.cellAt(0)).name, 'NameError');
    const secondPid = (await kernelInfo(second))?.pid;
    assert.ok(firstPid && secondPid && firstPid !== secondPid && processExists(firstPid), `two processes: ${firstPid}, ${secondPid}`);
    await closeAllEditors();
    await waitFor(async () => (await kernelInfo(first)) === undefined, 'the kernel to go with its notebook');
    await waitFor(() => !processExists(firstPid), `sandbox process ${firstPid} to end`);
  });

  it('interrupt raises KeyboardInterrupt in the running cell and cancels the queued ones; the namespace stays', async () => {
    const notebook = await openNotebook('marker = "kept"\nprint("looping")\nwhile True:\n    pass', "print('queued')", 'marker');
    const running = runCells(notebook, 0, 3);
    // Interrupted before its first line (a busy machine), the cell would have set nothing to keep.
    await waitFor(() => outputs(notebook.cellAt(0)).length > 0, 'the cell to set marker and loop');
    await command('notebook.interruptExecution');
    await running;
    const [busy, queued] = notebook.getCells();
    assert.deepEqual([errorOf(busy).name, errorOf(busy).message], ['KeyboardInterrupt', ''], 'a plain KeyboardInterrupt, no restart');
    assert.equal(queued.executionSummary?.executionOrder, undefined, 'the queued cell was cancelled');
    await runCells(notebook, 2);
    assert.deepEqual(outputs(notebook.cellAt(2)), [[['text/plain', "'kept'"]]]);
  });

  it('restart gives a fresh namespace and counts from 1 again', async () => {
    const notebook = await openNotebook('before_restart = 1', 'before_restart');
    await runCells(notebook, 0);
    const oldPid = (await kernelInfo(notebook))?.pid;
    await command(CommandIds.restartKernel);
    await runCells(notebook, 1);
    const cell = notebook.cellAt(1);
    assert.equal(errorOf(cell).name, 'NameError');
    assert.equal(cell.executionSummary?.executionOrder, 1);
    assert.ok(oldPid && !processExists(oldPid), 'the old process is gone');
  });

  it('input() asks with an input box, echoes the answer, and Escape is EOFError', async () => {
    const notebook = await openNotebook("name = input('who? ')\nprint(f'hi {name!r}')", "input('again? ')");
    await acceptInputBoxesUntil(runCells(notebook, 0));
    // The box opens empty, so accepting it answers an empty line.
    const [stdout] = outputs(notebook.cellAt(0));
    assert.deepEqual(
      [stdout.every(([mime]) => mime === STDOUT), stdout.map(([, text]) => text).join('')],
      [true, "who? \nhi ''\n"],
      'one stdout output: the prompt, the echoed answer, then what the cell printed',
    );
    await dismissInputBoxesUntil(runCells(notebook, 1));
    assert.equal(errorOf(notebook.cellAt(1)).name, 'EOFError');
  });

  it('a cell that runs too long ends with a TimeoutError, as in the editor', async () => {
    await withSettings({ timeoutSeconds: 1 }, async () => {
      const notebook = await openNotebook('import time\ntime.sleep(30)');
      await runCells(notebook, 0);
      const error = errorOf(notebook.cellAt(0));
      assert.equal(error.name, 'TimeoutError');
      assert.match(error.stack, /Cell In\[1\], line 2, in <module>\n----> 2 time\.sleep\(30\)/);
    });
  });

  it("IPython's display, _ and magics: values as IPython shows them, update_display across cells, a shell command refused", async () => {
    const notebook = await openNotebook(
      "from collections import Counter\nCounter('abbccc')",
      'list(range(30))',
      '_[:3], Out[1]',
      "from IPython.display import display, HTML, update_display\nhandle = display(HTML('<b>old</b>'), display_id='status')",
      "update_display(HTML('<b>new</b>'), display_id='status')\n%time total = sum(range(10))",
      '!ls',
      '%frobnicate',
    );
    await command('notebook.execute'); // Run All: it stops at the refused shell command
    await countsRecorded(notebook);
    const [counter, long, history, shown, updating, shell, unknown] = notebook.getCells();
    assert.deepEqual(outputs(counter), [[['text/plain', "Counter({'c': 3, 'b': 2, 'a': 1})"]]]);
    assert.equal(outputs(long)[0][0][1], `[${Array.from({ length: 30 }, (_, i) => i).join(',\n ')}]`, '79 columns, a line per item');
    assert.deepEqual(outputs(history), [[['text/plain', "([0, 1, 2], Counter({'c': 3, 'b': 2, 'a': 1}))"]]]);
    assert.deepEqual(
      outputs(shown),
      [
        [
          ['text/html', '<b>new</b>'],
          ['text/plain', '<IPython.core.display.HTML object>'],
        ],
      ],
      'the later cell replaced what this one displayed',
    );
    assert.match(outputs(updating)[0][0][1], /^CPU times: user .+\nWall time: .+\n$/);
    const refused = errorOf(shell);
    assert.equal(refused.name, 'UsageError');
    assert.match(refused.message, /^!ls: the sandbox runs no programs/);
    assert.match(refused.stack, /Cell In\[6\], line 1/);
    assert.equal(unknown.executionSummary?.executionOrder, undefined, 'Run All stopped at the refusal');
    await runCells(notebook, 6);
    assert.equal(errorOf(unknown).message, 'Line magic function `%frobnicate` not found.');
  });

  it("%pip install loads a package from the index into this notebook's kernel, before the cell runs", async function () {
    this.timeout(120_000);
    const index = generatePackageIndex({
      info: bundledLockInfo(),
      lock: [...DEMO_PACKAGES],
      micropip: false,
    });
    const server = await servePackageIndex(index);
    try {
      await withSettings({ 'packages.indexUrl': server.indexUrl, 'packages.install': 'auto' }, async () => {
        // The module is imported by a name the import scanner cannot see: only the %pip line loads it.
        const notebook = await openNotebook(
          '%pip install sandbox-demo-b',
          "import importlib\nimportlib.import_module('sandbox_demo_b').A_NAME",
          '%pip list',
        );
        await runCells(notebook, 0, 3);
        const [install, imported, list] = notebook.getCells().map(outputs);
        assert.deepEqual(install, [[[STDOUT, 'Loaded into this kernel: sandbox-demo-b 2.0.0\n']]]);
        assert.deepEqual(imported, [[['text/plain', "'sandbox-demo-a'"]]]);
        assert.match(list[0][0][1], /^Package +Version\n-+ -+\n(.*\n)*sandbox-demo-a +1\.0\.0\nsandbox-demo-b +2\.0\.0\n/);
      });
    } finally {
      await server.close();
    }
  });

  it('saves outputs as Jupyter outputs through the .ipynb serializer', async () => {
    const notebook = await openNotebook(PNG_CELL, '1/0');
    await runCells(notebook, 0, 2);
    await notebook.save();
    const saved = JSON.parse(fs.readFileSync(notebook.uri.fsPath, 'utf8')) as {
      cells: Array<{ execution_count: number | null; outputs: Array<Record<string, unknown>> }>;
    };
    const [png, error] = saved.cells;
    assert.equal(png.execution_count, 1);
    assert.deepEqual(
      png.outputs.map((o) => o.output_type),
      ['stream', 'display_data', 'stream', 'execute_result'],
    );
    assert.equal(png.outputs[3].execution_count, 1);
    assert.match(String((png.outputs[1].data as Record<string, string>)['image/png']), /^iVBORw0KGgo/);
    assert.deepEqual([error.outputs[0].output_type, error.outputs[0].ename], ['error', 'ZeroDivisionError']);
  });

  it('a cell imports a package from the index, as the editor does, into that notebook’s kernel only', async () => {
    const server = await servePackageIndex(
      generatePackageIndex({
        info: bundledLockInfo(),
        lock: [
          { name: 'sandbox-demo-nb-base', version: '1.0.0' },
          {
            name: 'sandbox-demo-nb',
            version: '2.0.0',
            requires: ['sandbox-demo-nb-base'],
            init: 'from sandbox_demo_nb_base import NAME as BASE\nVERSION = "2.0.0"\n',
          },
        ],
        micropip: false,
      }),
    );
    // Where a process would have it: loaded, or installed and importable.
    const present = "[m for m in ('sandbox_demo_nb', 'sandbox_demo_nb_base') if __import__('importlib.util').util.find_spec(m)]";
    try {
      await withSettings({ 'packages.indexUrl': server.indexUrl, 'packages.install': 'auto' }, async () => {
        const notebook = await openNotebook('import sandbox_demo_nb\nprint(sandbox_demo_nb.BASE, sandbox_demo_nb.VERSION)');
        await runCells(notebook, 0);
        assert.deepEqual(outputs(notebook.cellAt(0)), [[[STDOUT, 'sandbox-demo-nb-base 2.0.0\n']]]);
        const other = await openNotebook(present);
        await runCells(other, 0);
        assert.deepEqual(outputs(other.cellAt(0)), [[['text/plain', '[]']]], 'another notebook’s kernel has neither package');
        assert.equal(await peek(present), '[]', 'the editor’s runtime has neither package');
      });
    } finally {
      await server.close();
    }
  });

  it('benchmark: a trivial cell’s round trip through the controller', async () => {
    const notebook = await openNotebook('pass');
    await runCells(notebook, 0); // the runtime is started
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await command('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
      times.push(performance.now() - started);
      await countsRecorded(notebook);
    }
    times.sort((a, b) => a - b);
    const figures = {
      notebook_cell_ms_p50: Number(times[Math.floor(times.length / 2)].toFixed(1)),
      notebook_cell_ms_p90: Number(times[Math.floor(times.length * 0.9)].toFixed(1)),
      cells: times.length,
      vscode: vscode.version,
      measured: new Date().toISOString(),
    };
    console.log(`      notebook cell round trip: p50 ${figures.notebook_cell_ms_p50} ms, p90 ${figures.notebook_cell_ms_p90} ms`);
    // `npm run bench` reports the figure from the last integration run.
    const results = path.resolve(__dirname, '..', '..', '..', 'test-results');
    fs.mkdirSync(results, { recursive: true });
    fs.writeFileSync(path.join(results, 'bench-notebook.json'), `${JSON.stringify(figures)}\n`);
    assert.equal(notebook.cellAt(0).executionSummary?.executionOrder, 31);
  });
});
