import * as assert from 'node:assert/strict';
import { cellSource, cellTarget, formatNotebook, parseNotebook, type CodeCell, type JupyterOutput } from '../../src/notebook/ipynb';
import { CellOutputSequence, DisplayIds } from '../../src/notebook/output-rules';
import type { DisplayData } from '../../src/sandbox/protocol';

const plain = (text: string, kind: DisplayData['kind'] = 'display', displayId?: string): DisplayData => ({
  kind,
  items: [{ mime: 'text/plain', data: text, encoding: 'text' }],
  ...(displayId ? { displayId } : {}),
});

function codeCell(source: string | string[] = ''): CodeCell {
  return { cell_type: 'code', source, outputs: [], execution_count: null, metadata: {} };
}

/** A cell's outputs as the file would hold them. */
function saved(cell: CodeCell): unknown {
  const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell] };
  return (JSON.parse(formatNotebook(notebook)) as { cells: CodeCell[] }).cells[0].outputs;
}

describe("a cell's outputs, by Jupyter's rules", () => {
  it('text joins the last output while it is the same stream; displays and errors get their own', () => {
    const cell = codeCell('print(1)');
    const outputs = new CellOutputSequence(cellTarget(cell), 3, new DisplayIds<JupyterOutput>());
    outputs.write('stdout', 'a\n');
    outputs.write('stdout', 'b');
    outputs.write('stderr', 'warn\n');
    outputs.write('stdout', 'c\n');
    outputs.display(plain("'x'"));
    outputs.write('stdout', 'd\n');
    outputs.display(plain('42', 'result'));
    outputs.error({ type: 'ZeroDivisionError', message: 'division by zero', frames: [{ line: 1, name: '<module>' }] }, 'print(1)');
    assert.deepEqual(saved(cell), [
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] },
      { output_type: 'stream', name: 'stderr', text: ['warn\n'] },
      { output_type: 'stream', name: 'stdout', text: ['c\n'] },
      { output_type: 'display_data', data: { 'text/plain': ["'x'"] }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: ['d\n'] },
      { output_type: 'execute_result', data: { 'text/plain': ['42'] }, metadata: {}, execution_count: 3 },
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero',
        traceback: ['Cell In[3], line 1, in <module>', '----> 1 print(1)', '', 'ZeroDivisionError: division by zero'],
      },
    ]);
  });

  it('clear_output empties the cell; with wait, only when the next output comes', () => {
    const cell = codeCell();
    const outputs = new CellOutputSequence(cellTarget(cell), 1, new DisplayIds<JupyterOutput>());
    outputs.write('stdout', 'old\n');
    outputs.display({ kind: 'clear', items: [] });
    assert.deepEqual(cell.outputs, []);
    outputs.write('stdout', 'frame 1\n');
    outputs.display({ kind: 'clear', items: [], wait: true });
    assert.equal(cell.outputs.length, 1, 'still shown while waiting');
    outputs.write('stdout', 'frame 2\n');
    assert.deepEqual(saved(cell), [{ output_type: 'stream', name: 'stdout', text: ['frame 2\n'] }]);
  });

  it('an update replaces every output shown with its display id, in any cell, and adds none', () => {
    const displays = new DisplayIds<JupyterOutput>();
    const first = codeCell();
    const second = codeCell();
    const one = new CellOutputSequence(cellTarget(first), 1, displays);
    one.display(plain("'loading'", 'display', 'status'));
    one.display(plain("'other'", 'display', 'other'));
    const two = new CellOutputSequence(cellTarget(second), 2, displays);
    two.display(plain("'loading'", 'display', 'status'));
    two.display(plain("'done'", 'update', 'status'));
    two.display(plain("'nobody'", 'update', 'unknown'));
    assert.deepEqual(
      [first, second].map((cell) => cell.outputs.map((output) => 'data' in output && output.data['text/plain'])),
      [["'done'", "'other'"], ["'done'"]],
    );
  });

  it('data goes into the file as Jupyter writes it: JSON as JSON, base64 and other types as they are, text in lines', () => {
    const cell = codeCell();
    const outputs = new CellOutputSequence(cellTarget(cell), 1, new DisplayIds<JupyterOutput>());
    outputs.display({
      kind: 'display',
      items: [
        { mime: 'application/json', data: '{"a": [1, 2]}', encoding: 'text' },
        { mime: 'image/png', data: 'iVBORw0KGgo=', encoding: 'base64' },
        { mime: 'image/svg+xml', data: '<svg>\n</svg>', encoding: 'text' },
        { mime: 'text/html', data: '<b>\nbold</b>', encoding: 'text' },
        { mime: 'application/x-custom', data: 'a\nb', encoding: 'text' },
      ],
    });
    assert.deepEqual(saved(cell), [
      {
        output_type: 'display_data',
        data: {
          'application/json': { a: [1, 2] },
          'image/png': 'iVBORw0KGgo=',
          'image/svg+xml': ['<svg>\n', '</svg>'],
          'text/html': ['<b>\n', 'bold</b>'],
          'application/x-custom': 'a\nb',
        },
        metadata: {},
      },
    ]);
  });
});

describe('notebook files', () => {
  it('reads nbformat 4 and a source given as lines; refuses what is not a notebook', () => {
    const notebook = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [codeCell(['a = 1\n', 'a'])] }));
    assert.equal(cellSource(notebook.cells[0] as CodeCell), 'a = 1\na');
    assert.throws(() => parseNotebook('{'), /not a notebook/);
    assert.throws(() => parseNotebook('{"nbformat": 3, "cells": []}'), /only nbformat 4/);
    assert.throws(() => parseNotebook('{"nbformat": 4}'), /no list of cells/);
  });
});
