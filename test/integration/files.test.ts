/**
 * Workspace files in the real extension host (the Node one and the web worker one): what
 * `pythonSandbox.files.readable` grants is read by the code of a file in the workspace, relative
 * to that file's folder, and nothing else is there; what the code writes under output/ is listed
 * and reaches the disk only through Save. The fixture workspace holds `sales/`, with
 * `data/sales.csv`, a sibling `notes.txt` that is never granted, and `data/link-out.csv`, a link
 * to that sibling.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OutputFile } from '../../src/sandbox/protocol';
import { api, closeAllEditors, command, CommandIds, EXTENSION_ID, sandboxDiagnostics, waitFor, withSettings } from './helpers';

const folder = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const inWorkspace = (path: string): vscode.Uri => vscode.Uri.joinPath(folder(), ...path.split('/'));

let scripts = 0;
const written: vscode.Uri[] = [];

/**
 * Writes `code` as a new file in `folderPath` of the workspace, opens it and runs it with Exec
 * File. The code ends by raising RuntimeError(repr(...)); the message of its diagnostic is returned.
 */
async function runScript(folderPath: string, code: string): Promise<{ message: string; uri: vscode.Uri }> {
  const uri = inWorkspace(`${folderPath}/files_test_${++scripts}.py`);
  written.push(uri);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(code));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await command(CommandIds.execFile);
  const [diagnostic] = sandboxDiagnostics(uri);
  return { message: diagnostic?.message ?? '(no diagnostic)', uri };
}

/** What a run of `code` in `folderPath` raised, or the FileNotFoundError (etc.) that stopped it. */
async function outcome(folderPath: string, code: string): Promise<string> {
  return (await runScript(folderPath, code)).message.replace(/^RuntimeError: /, '');
}

const GRANT = { 'files.readable': ['sales/data/**'] };

/** What the hidden outputViewRuns command returns of a files part. */
interface ViewRun {
  parts: Array<{ kind: string; files?: OutputFile[] }>;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

describe('workspace files', () => {
  afterEach(closeAllEditors);
  after(async () => {
    for (const uri of written.splice(0)) await vscode.workspace.fs.delete(uri, { recursive: true }).then(undefined, () => undefined);
  });

  it('a granted CSV is read with csv and open, relative to the script’s folder', async () => {
    await withSettings(GRANT, async () => {
      const code = [
        'import csv, os',
        'with open("data/sales.csv", newline="") as f:',
        '    rows = list(csv.DictReader(f))',
        'first = open("data/sales.csv").readline().strip()',
        'raise RuntimeError(repr((os.getcwd(), first, len(rows), round(sum(float(r["amount"]) for r in rows), 2))))',
      ].join('\n');
      assert.equal(await outcome('sales', code), "('/workspace/sales', 'date,region,amount', 10, 8632.6)");
    });
  });

  it('an ungranted sibling is refused with an error that says how to grant it; so are `..` and a link out of the grant', async () => {
    await withSettings(GRANT, async () => {
      const sibling = await outcome('sales', 'open("notes.txt")');
      assert.match(
        sibling,
        /^FileNotFoundError: \[Errno 44\] No such file or directory: 'notes.txt'; the sandbox reads only the workspace files you allowed \(Sandbox: Allow Reading Folder… or Allow Reading File…/,
      );
      assert.match(await outcome('sales/data', 'open("../notes.txt")'), /^FileNotFoundError: .*'\.\.\/notes\.txt'; the sandbox reads only/);
      assert.match(await outcome('sales/data', 'open("link-out.csv")'), /^FileNotFoundError: .*'link-out\.csv'/);
      const seen = await outcome(
        'sales',
        'import os\nraise RuntimeError(repr(sorted(os.path.join(d, f) for d, _, fs in os.walk("/workspace") for f in fs)))',
      );
      const files = JSON.parse(seen.replace(/'/g, '"')) as string[];
      assert.ok(files.includes('/workspace/sales/data/sales.csv'), seen);
      // The scripts this test wrote into sales/data are granted too; nothing outside the grant is there.
      assert.deepEqual(
        files.filter((file) => !file.startsWith('/workspace/sales/data/')),
        [],
        'only the grant is in the sandbox',
      );
    });
  });

  it('revoking a grant takes effect at the next run', async () => {
    const read = 'raise RuntimeError(repr(open("data/sales.csv").readline().strip()))';
    await withSettings(GRANT, async () => {
      assert.equal(await outcome('sales', read), "'date,region,amount'");
    });
    assert.match(await outcome('sales', read), /^FileNotFoundError: /);
  });

  it('a file written under output/ is listed, and reaches the disk only through Save', async () => {
    await command(CommandIds.clearOutputView);
    const { uri } = await runScript(
      'sales',
      'import os\nos.makedirs("output", exist_ok=True)\nopen("output/summary.csv", "w").write("region,total\\nnorth,3295.50\\n")',
    );
    written.push(inWorkspace('sales/output'));
    const [run] = await command<ViewRun[]>(CommandIds.outputViewRuns);
    const files = run.parts.find((part) => part.kind === 'files')?.files;
    assert.deepEqual(
      files?.map((file) => [file.path, file.size]),
      [['sales/output/summary.csv', 27]],
    );
    const target = inWorkspace('sales/output/summary.csv');
    assert.equal(await exists(target), false, 'nothing was written to the disk by the run');
    const saved = await command<vscode.Uri | undefined>(
      CommandIds.saveOutputFile,
      { runtime: 'editor', document: uri.toString(), file: files![0] },
      target,
    );
    assert.equal(saved?.toString(), target.toString());
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), 'region,total\nnorth,3295.50\n');
  });

  it('a notebook cell reads from the notebook’s folder, and lists what it wrote under output/ as an output of its own', async () => {
    await withSettings(GRANT, async () => {
      const uri = inWorkspace('sales/files_test.ipynb');
      written.push(uri);
      const source =
        'import os\nos.makedirs("output", exist_ok=True)\nopen("output/first.txt", "w").write(open("data/sales.csv").readline())';
      const ipynb = {
        cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }],
        metadata: { language_info: { name: 'python' } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(ipynb)));
      await command('vscode.open', uri);
      await command('_notebook.selectKernel', { id: 'python-sandbox-kernel', extension: EXTENSION_ID });
      await command('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: uri });
      const notebook = vscode.window.activeNotebookEditor!.notebook;
      const cell = notebook.cellAt(0);
      await waitFor(() => cell.executionSummary?.success !== undefined && cell.outputs.length > 0, 'the cell to run');
      // The cell's value (19, what write returned), then the list.
      const items = cell.outputs[cell.outputs.length - 1].items;
      assert.deepEqual(
        items.map((item) => item.mime),
        ['application/vnd.python-sandbox.output-files+json', 'text/plain'],
      );
      const listed = JSON.parse(new TextDecoder().decode(items[0].data)) as { files: OutputFile[] };
      assert.deepEqual(
        listed.files.map((file) => [file.path, file.size]),
        [['sales/output/first.txt', 19]],
      );
      assert.match(new TextDecoder().decode(items[1].data), /sales\/output\/first\.txt {2}\(19 B\)/);
      const target = inWorkspace('sales/output/first.txt');
      written.push(inWorkspace('sales/output'));
      assert.equal(await exists(target), false);
      await command(CommandIds.saveOutputFile, { runtime: 'notebook', document: uri.toString(), file: listed.files[0] }, target);
      assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), 'date,region,amount\n');
    });
  });

  it('the API’s sandboxes and the agents’ runtime read none of the granted files', async () => {
    await withSettings(GRANT, async () => {
      const read = 'open("/workspace/sales/data/sales.csv")';
      assert.match(JSON.stringify(await (await api()).exec(read)), /^\{"err":"FileNotFoundError: /);
      const session = (await api()).createSession();
      try {
        assert.match(JSON.stringify(await session.exec(read)), /^\{"err":"FileNotFoundError: /);
      } finally {
        session.dispose();
      }
      if (typeof vscode.lm?.invokeTool !== 'function') return; // no chat in this host: the agents' runtime has no way in
      const result = await vscode.lm.invokeTool('python_sandbox_run', { input: { code: read }, toolInvocationToken: undefined });
      const answer = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      assert.match(answer, /FileNotFoundError/);
    });
  });
});
