/**
 * The Variables view, hovers and tables in a real extension host (also run in the web worker
 * extension host): what a run defined, read back without printing it, from the editor's runtime
 * and from a notebook's kernel.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShownTable } from '../../src/presenters/variable-table';
import type { ShownVariable, ShownVariables } from '../../src/presenters/variables-view';
import { closeAllEditors, command, CommandIds, EXTENSION_ID, extension, openDocument, waitFor } from './helpers';

const shownVariables = (expand: Array<Array<string | number>> = []): Thenable<ShownVariables> =>
  command<ShownVariables>(CommandIds.variablesShown, expand);

/** name -> [type, summary, value or why unavailable]. */
function rows(items: readonly ShownVariable[]): Record<string, [string, string | undefined, string | undefined]> {
  return Object.fromEntries(items.map((v) => [v.name, [v.type, v.summary, v.value ?? v.unavailable]]));
}

function item(shown: ShownVariables, name: string): ShownVariable {
  const found = shown.items.find((v) => v.name === name);
  assert.ok(found, `${name} is listed: ${JSON.stringify(shown.items.map((v) => v.name))}`);
  return found;
}

/** Runs `code` as a file in the editor's runtime and leaves its editor active. */
async function execFile(code: string): Promise<vscode.TextEditor> {
  const editor = await openDocument(code);
  await command(CommandIds.execFile);
  return editor;
}

const CODE = `class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    @property
    def norm(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5
    def moved(self):
        return Point(self.x + 1, self.y)
    def __repr__(self):
        return f'Point({self.x}, {self.y})'
numbers = [10, 20, 30]
ages = {'ann': 31, 'bob': [1, 2]}
origin = Point(3, 4)
people = [{'name': 'ann', 'age': 31}, {'name': 'bob', 'age': 27, 'city': 'Oslo'}]
`;

describe('variables view', () => {
  afterEach(closeAllEditors);

  it('lists what a run defined, with types, summaries and values, for the editor’s runtime', async () => {
    await execFile(CODE);
    const shown = await shownVariables();
    assert.equal(shown.runtime, 'Python Sandbox');
    const listed = rows(shown.items);
    assert.deepEqual(listed.numbers, ['list', '3 items', '[10, 20, 30]']);
    assert.deepEqual(listed.ages, ['dict', '2 items', "{'ann': 31, 'bob': [1, 2]}"]);
    assert.deepEqual(listed.origin, ['Point', undefined, 'Point(3, 4)']);
    assert.equal(listed.Point, undefined, 'classes are hidden');
    assert.equal(item(shown, 'people').table, true);
  });

  it('expands a list, a dict and an object (its data attributes and properties)', async () => {
    await execFile(CODE);
    const shown = await shownVariables([['numbers'], ['ages'], ['ages', 1], ['origin']]);
    assert.deepEqual(rows(item(shown, 'numbers').children as ShownVariable[]), {
      '0': ['int', undefined, '10'],
      '1': ['int', undefined, '20'],
      '2': ['int', undefined, '30'],
    });
    const ages = item(shown, 'ages').children as ShownVariable[];
    assert.deepEqual(
      ages.map((v) => [v.name, v.value]),
      [
        ["'ann'", '31'],
        ["'bob'", '[1, 2]'],
      ],
    );
    assert.deepEqual(
      (ages[1].children as ShownVariable[]).map((v) => v.value),
      ['1', '2'],
    );
    assert.deepEqual(rows(item(shown, 'origin').children as ShownVariable[]), {
      norm: ['float', undefined, '5.0'],
      x: ['int', undefined, '3'],
      y: ['int', undefined, '4'],
    });
  });

  it('hovering a name the runtime holds shows its type and value; a name it does not hold shows nothing of ours', async () => {
    const editor = await execFile(`${CODE}origin.norm + len(numbers) + undefined_name\n`);
    const line = editor.document.lineCount - 2;
    const text = editor.document.lineAt(line).text;
    const hoverAt = async (word: string): Promise<string> => {
      const hovers = await command<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        new vscode.Position(line, text.indexOf(word) + 1),
      );
      return hovers
        .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
        .filter((value) => value.includes('Python Sandbox'))
        .join('\n');
    };
    const norm = await hoverAt('norm');
    assert.match(norm, /`origin\.norm`: `float` — Python Sandbox/);
    assert.match(norm, /```text\n5\.0\n```/);
    assert.match(await hoverAt('numbers'), /`numbers`: `list, 3 items` — Python Sandbox\n\n```text\n\[10, 20, 30\]\n```/);
    assert.equal(await hoverAt('undefined_name'), '');
  });

  it('opens a list of dicts as a table: its columns, rows and size', async () => {
    await execFile(`${CODE}many = [{'n': i, 'square': i * i} for i in range(1200)]\n`);
    await command(CommandIds.showVariableTable, { path: ['people'] });
    const people = await command<ShownTable>(CommandIds.variableTableShown);
    assert.deepEqual(people.columns, ['name', 'age', 'city']);
    assert.deepEqual(people.firstRows, [
      ['ann', '31', ''],
      ['bob', '27', 'Oslo'],
    ]);
    assert.equal(people.size, '2 rows × 3 columns');
    await command(CommandIds.showVariableTable, { path: ['many'] });
    const many = await command<ShownTable>(CommandIds.variableTableShown);
    assert.equal(many.size, 'first 1,000 rows of 1,200 rows × 2 columns');
    assert.equal(many.rowCount, 1000);
    const tabs = (): string[] => vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
    await waitFor(() => tabs().includes('many (table)'), 'the table to open in a tab');
    // Webview tabs have nothing to revert: closed as a person closes them.
    await command('workbench.action.closeAllEditors');
  });

  it('a __repr__ that loops forever and one that raises are shown as unavailable, and the runtime answers the next run', async () => {
    await execFile(`class Loops:
    def __repr__(self):
        while True:
            pass
class Raises:
    def __repr__(self):
        raise ValueError('no repr')
loops, raises, fine = Loops(), Raises(), 'fine'
`);
    const shown = await shownVariables();
    assert.equal(item(shown, 'loops').unavailable, 'reading it took longer than 100 ms');
    assert.equal(item(shown, 'raises').unavailable, 'reading it raised ValueError: no repr');
    assert.equal(item(shown, 'fine').value, "'fine'");
    await execFile('after = 6 * 7\n');
    assert.equal(item(await shownVariables(), 'after').value, '42');
  });

  it('follows the active notebook’s kernel, and the editor’s runtime again in a Python editor', async () => {
    await extension().activate();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'variables-notebook.ipynb');
    const ipynb = {
      cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'in_notebook = [1, 2]' }],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(ipynb)));
    await command('vscode.open', uri);
    const notebook = vscode.window.activeNotebookEditor!.notebook;
    await command('_notebook.selectKernel', { id: 'python-sandbox-kernel', extension: EXTENSION_ID });
    await command('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: notebook.uri });
    await waitFor(() => notebook.cellAt(0).executionSummary?.success !== undefined, 'the cell to finish');
    await waitFor(
      async () => (await shownVariables()).runtime === 'Python Sandbox (variables-notebook.ipynb)',
      'the view to follow the notebook',
    );
    const inNotebook = await shownVariables();
    assert.deepEqual(rows(inNotebook.items).in_notebook, ['list', '2 items', '[1, 2]']);
    assert.equal(rows(inNotebook.items).numbers, undefined, 'the editor’s names are not the notebook’s');
    const cell = notebook.cellAt(0).document;
    const hovers = await command<vscode.Hover[]>('vscode.executeHoverProvider', cell.uri, new vscode.Position(0, 2));
    const hovered = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)));
    assert.ok(
      hovered.some((text) => text.includes('`in_notebook`: `list, 2 items` — Python Sandbox (variables-notebook.ipynb)')),
      `a hover in the cell reads the kernel: ${JSON.stringify(hovered)}`,
    );
    await execFile('in_editor = 1\n');
    const inEditor = await shownVariables();
    assert.equal(inEditor.runtime, 'Python Sandbox');
    assert.equal(rows(inEditor.items).in_notebook, undefined);
    assert.equal(item(inEditor, 'in_editor').value, '1');
  });
});
