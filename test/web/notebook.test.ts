/**
 * Notebooks in the web worker extension host: the same kernel (a controller whose runtimes are
 * browser workers), with streams, display data and the final expression in the cells,
 * packages loaded into a notebook's own worker as in the editor (also by %pip install), and
 * IPython's magics.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, command, CommandIds, EXTENSION_ID, extension, peek, waitFor, withSettings } from '../integration/helpers';
import { webTestSetup } from './helpers';

/** Every output of a cell as [MIME type, text]. */
function outputs(cell: vscode.NotebookCell): Array<[string, string]> {
  return cell.outputs.flatMap((output) => output.items.map((item): [string, string] => [item.mime, new TextDecoder().decode(item.data)]));
}

/** Writes an .ipynb with these code cells, opens it and selects the Python Sandbox kernel for it. */
async function openNotebook(name: string, cells: readonly string[]): Promise<vscode.NotebookDocument> {
  await extension().activate();
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const uri = vscode.Uri.joinPath(folder, name);
  const ipynb = {
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(ipynb)));
  await command('vscode.open', uri);
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  assert.equal(notebook?.uri.toString(), uri.toString(), 'the notebook editor shows the file');
  await command('_notebook.selectKernel', { id: 'python-sandbox-kernel', extension: EXTENSION_ID });
  return notebook;
}

/** Runs every cell of `notebook`; resolves once the last one has finished. */
async function runAll(notebook: vscode.NotebookDocument): Promise<void> {
  const last = notebook.cellAt(notebook.cellCount - 1);
  await command('notebook.cell.execute', { ranges: [{ start: 0, end: notebook.cellCount }], document: notebook.uri });
  await waitFor(() => last.executionSummary?.success !== undefined, 'the last cell to finish');
}

describe('notebook kernel in the web worker extension host', () => {
  afterEach(closeAllEditors);

  it('runs cells in a browser worker: output, display data and the final expression', async () => {
    const notebook = await openNotebook('web-notebook.ipynb', ['x = 6 * 7\nprint("hi")', 'display(x)', 'x']);
    await runAll(notebook);
    const [first, second, third] = notebook.getCells().map(outputs);
    assert.deepEqual(first, [['application/vnd.code.notebook.stdout', 'hi\n']]);
    assert.deepEqual(second, [['text/plain', '42']]);
    assert.deepEqual(third, [['text/plain', '42']]);
    const info = await command<{ isolation?: string } | undefined>(CommandIds.kernelInfo, notebook.uri);
    assert.equal(info?.isolation, 'browser-worker');
  });

  it('a cell imports a package from the index, into that notebook’s worker only', async () => {
    const { indexUrl } = (await webTestSetup()).packageIndexes.demo;
    const present = "[m for m in ('sandbox_demo_nb',) if __import__('importlib.util').util.find_spec(m)]";
    await withSettings({ 'packages.indexUrl': indexUrl, 'packages.install': 'auto' }, async () => {
      const notebook = await openNotebook('web-packages.ipynb', ['import sandbox_demo_nb\nprint(sandbox_demo_nb.VERSION)']);
      await runAll(notebook);
      assert.deepEqual(outputs(notebook.cellAt(0)), [['application/vnd.code.notebook.stdout', '1.0.0\n']]);
      const other = await openNotebook('web-packages-other.ipynb', [present]);
      await runAll(other);
      assert.deepEqual(outputs(other.cellAt(0)), [['text/plain', '[]']], 'another notebook’s worker has not loaded it');
      assert.equal(await peek(present), '[]', 'the editor’s runtime has not loaded it');
    });
  });

  it('%pip install loads a package into the notebook from the index; a shell command is refused, not a syntax error', async function () {
    this.timeout(120_000);
    const { indexUrl } = (await webTestSetup()).packageIndexes.demo;
    await withSettings({ 'packages.indexUrl': indexUrl, 'packages.install': 'auto' }, async () => {
      const notebook = await openNotebook('web-pip.ipynb', [
        '%pip install sandbox-demo-b',
        "import importlib\nimportlib.import_module('sandbox_demo_b').A_NAME",
        '!ls',
      ]);
      await runAll(notebook);
      const [install, imported, shell] = notebook.getCells().map(outputs);
      assert.deepEqual(install, [['application/vnd.code.notebook.stdout', 'Loaded into this kernel: sandbox-demo-b 2.0.0\n']]);
      assert.deepEqual(imported, [['text/plain', "'sandbox-demo-a'"]]);
      assert.equal(shell[0][0], 'application/vnd.code.notebook.error');
      const error = JSON.parse(shell[0][1]) as { name: string; message: string };
      assert.deepEqual([error.name, /^!ls: the sandbox runs no programs/.test(error.message)], ['UsageError', true]);
    });
  });
});
