import * as assert from 'node:assert/strict';
import { closeAllEditors, command, CommandIds, openDocument, waitFor } from './helpers';

/** What the hidden outputViewRuns command returns: the view's runs, images as their size. */
interface ViewRun {
  header: string;
  footer?: string;
  parts: Array<{ kind: string; stream?: string; text?: string; html?: string; mime?: string; bytes?: number }>;
}

const viewRuns = (): Thenable<ViewRun[]> => command<ViewRun[]>(CommandIds.outputViewRuns);

/** The runs a fresh view shows after Exec File on `code`. */
async function execFileInView(code: string): Promise<ViewRun> {
  await command(CommandIds.clearOutputView);
  await openDocument(code);
  await command(CommandIds.execFile);
  const runs = await viewRuns();
  assert.equal(runs.length, 1, 'one run in the view');
  return runs[0];
}

const IMAGE = `class Picture:
    def _repr_png_(self):
        return b'\\x89PNG\\r\\n\\x1a\\n' + bytes(100)
print('before')
display(Picture())
print('after')
`;

describe('output view', () => {
  afterEach(closeAllEditors);

  it('shows an editor run with its text and images in order, and its footer', async () => {
    const run = await execFileInView(IMAGE);
    assert.match(run.header, /^▶ exec sandbox-test-\d+\.py:1-6$/);
    assert.deepEqual(
      run.parts.map((p) => [p.kind, p.text ?? p.mime, p.bytes]),
      [
        ['text', 'before\n', undefined],
        ['image', 'image/png', 108],
        ['text', 'after\n', undefined],
      ],
    );
    assert.match(run.footer ?? '', /^✓ /);
  });

  it('shows a final expression only when it has more than text; the inline value has the repr', async () => {
    const table = await execFileInView(
      "class Table:\n    def _repr_html_(self):\n        return '<table><tr><td>1</td></tr></table>'\nTable()\n",
    );
    assert.deepEqual(
      table.parts.map((p) => [p.kind, p.html]),
      [['html', '<table><tr><td>1</td></tr></table>']],
    );
    const plain = await execFileInView('6 * 7\n');
    assert.deepEqual(plain.parts, []);
  });

  it('renders Markdown with VS Code’s Markdown extension, and keeps an error’s line in the footer', async () => {
    const run = await execFileInView("class Note:\n    def _repr_markdown_(self):\n        return '**bold**'\ndisplay(Note())\n1 / 0\n");
    assert.deepEqual(
      run.parts.map((p) => p.kind),
      [run.parts[0].kind],
      'one part: the Markdown',
    );
    // The text shows at once; the HTML replaces it once rendered.
    await waitFor(async () => (await viewRuns())[0]?.parts[0]?.kind === 'html', 'the Markdown to be rendered');
    assert.match((await viewRuns())[0].parts[0].html ?? '', /<strong>bold<\/strong>/);
    assert.equal(run.footer, '✗ ZeroDivisionError: division by zero (line 5)');
  });

  it('clear_output empties the run shown, with wait when the next output comes; update_display replaces by id', async () => {
    const run = await execFileInView(
      [
        'from IPython.display import clear_output, update_display, HTML',
        "print('gone')",
        'clear_output()',
        "display(HTML('<b>old</b>'), display_id='status')",
        "print('frame 1')",
        'clear_output(wait=True)',
        "print('frame 2')",
        "display(HTML('<b>shown</b>'), display_id='kept')",
        "update_display(HTML('<b>new</b>'), display_id='kept')",
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      run.parts.map((p) => [p.kind, p.text ?? p.html]),
      [
        ['text', 'frame 2\n'],
        ['html', '<b>new</b>'],
      ],
    );
  });

  it('Clear Output View empties it', async () => {
    await execFileInView("display('x')\n");
    await command(CommandIds.clearOutputView);
    assert.deepEqual(await viewRuns(), []);
  });
});
