import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { distDir } from './sandbox';

/** Runs the built CLI's notebook command as a user would. */
function notebook(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), 'notebook', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Cell = { cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null; metadata: object };

function notebookFile(dir: string, cells: Array<string | { markdown: string }>): string {
  const file = path.join(dir, 'in.ipynb');
  const json = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((cell) =>
      typeof cell === 'string'
        ? { cell_type: 'code', source: cell, outputs: [], execution_count: null, metadata: {} }
        : { cell_type: 'markdown', source: cell.markdown, metadata: {} },
    ),
  };
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
}

const read = (file: string): { cells: Cell[]; metadata: object } =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[]; metadata: object };

describe('CLI notebook command', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-notebook-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the code cells in order on a fresh kernel and saves their outputs as Jupyter does; a failure stops it with exit 1', () => {
    const input = notebookFile(dir, [
      { markdown: '# Title' },
      "print('hello')\nfrom IPython.display import HTML, display\ndisplay(HTML('<b>b</b>'))\n6 * 7",
      '   ',
      '_ + 1',
      '1 / 0',
      "print('never')",
    ]);
    const output = path.join(dir, 'out.ipynb');
    const result = notebook([input, '--output', output]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3, result.stderr);
    assert.match(lines[0], /^In \[1\] \(cell 2\): ✓ \d+ ms$/);
    assert.match(lines[1], /^In \[2\] \(cell 4\): ✓ \d+ ms$/);
    assert.match(lines[2], /^In \[3\] \(cell 5\): ✗ ZeroDivisionError: division by zero \(line 1\)$/);
    const saved = read(output);
    assert.deepEqual(saved.metadata, read(input).metadata, 'the rest of the file is kept');
    assert.deepEqual(saved.cells[0], { cell_type: 'markdown', source: '# Title', metadata: {} });
    const [first, blank, second, failed, after] = saved.cells.slice(1);
    assert.deepEqual(first.outputs, [
      { output_type: 'stream', name: 'stdout', text: ['hello\n'] },
      {
        output_type: 'display_data',
        data: { 'text/html': ['<b>b</b>'], 'text/plain': ['<IPython.core.display.HTML object>'] },
        metadata: {},
      },
      { output_type: 'execute_result', data: { 'text/plain': ['42'] }, metadata: {}, execution_count: 1 },
    ]);
    assert.equal(first.execution_count, 1);
    assert.deepEqual([blank.execution_count, blank.outputs], [null, []], 'an empty cell is not run');
    assert.deepEqual(second.outputs, [{ output_type: 'execute_result', data: { 'text/plain': ['43'] }, metadata: {}, execution_count: 2 }]);
    assert.deepEqual(failed.outputs, [
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero',
        traceback: ['Cell In[3], line 1, in <module>', '----> 1 1 / 0', '', 'ZeroDivisionError: division by zero'],
      },
    ]);
    assert.deepEqual([after.execution_count, after.outputs], [null, []], 'cells after a failure do not run');
  });

  it('--allow-errors runs every cell and exits 0; --output - writes the notebook to stdout', () => {
    const input = notebookFile(dir, ['1 / 0', "print('still runs')"]);
    const result = notebook([input, '--allow-errors', '--output', '-']);
    assert.equal(result.status, 0, result.stderr);
    const cells = (JSON.parse(result.stdout) as { cells: Cell[] }).cells;
    assert.deepEqual(
      cells.map((cell) => [cell.execution_count, (cell.outputs as Array<{ output_type: string }>).map((o) => o.output_type)]),
      [
        [1, ['error']],
        [2, ['stream']],
      ],
    );
  });

  it('--timeout-ms stops a cell (interrupted: the namespace stays for the cells after it)', () => {
    const input = notebookFile(dir, ['x = 1', 'while True: pass', 'print("x" in globals())']);
    const result = notebook([input, '--timeout-ms', '2000', '--allow-errors', '--output', '-']);
    assert.equal(result.status, 0, result.stderr);
    const cells = (JSON.parse(result.stdout) as { cells: Cell[] }).cells;
    assert.match(result.stderr.split('\n')[1], /^In \[2\] \(cell 2\): ✗ TimeoutError: /);
    assert.deepEqual(cells[2].outputs, [{ output_type: 'stream', name: 'stdout', text: ['True\n'] }]);
  });

  it('writes IN.nbconvert.ipynb by default; an unreadable notebook or bad usage exits 2', () => {
    const input = notebookFile(dir, ['2 + 2']);
    assert.equal(notebook([input]).status, 0);
    assert.equal(read(path.join(dir, 'in.nbconvert.ipynb')).cells[0].execution_count, 1);
    const broken = path.join(dir, 'broken.ipynb');
    fs.writeFileSync(broken, '{"cells": 1}');
    assert.deepEqual(notebook([broken]), { status: 2, stdout: '', stderr: 'not a notebook: it has no list of cells\n' });
    const usage = notebook([]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^expected exactly one notebook \(IN\.ipynb\)\nusage: python-sandbox notebook IN\.ipynb/);
  });
});
