/**
 * Notebooks in the web worker extension host: the same kernel (a controller whose runtimes are
 * browser workers), with streams, display data and the final expression in the cells.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, command, CommandIds, EXTENSION_ID, extension, waitFor } from '../integration/helpers';

/** Every output of a cell as [MIME type, text]. */
function outputs(cell: vscode.NotebookCell): Array<[string, string]> {
  return cell.outputs.flatMap((output) => output.items.map((item): [string, string] => [item.mime, new TextDecoder().decode(item.data)]));
}

describe('notebook kernel in the web worker extension host', () => {
  afterEach(closeAllEditors);

  it('runs cells in a browser worker: output, display data and the final expression', async () => {
    await extension().activate();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'web-notebook.ipynb');
    const cells = ['x = 6 * 7\nprint("hi")', 'display(x)', 'x'];
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
    await command('notebook.cell.execute', { ranges: [{ start: 0, end: 3 }], document: notebook.uri });
    await waitFor(() => notebook.cellAt(2).executionSummary?.success === true, 'the last cell to finish');
    const [first, second, third] = notebook.getCells().map(outputs);
    assert.deepEqual(first, [['application/vnd.code.notebook.stdout', 'hi\n']]);
    assert.deepEqual(second, [['text/plain', '42']]);
    assert.deepEqual(third, [['text/plain', '42']]);
    const info = await command<{ isolation?: string } | undefined>(CommandIds.kernelInfo, notebook.uri);
    assert.equal(info?.isolation, 'browser-worker');
  });
});
