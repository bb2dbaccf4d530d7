import * as assert from 'node:assert/strict';
import { cellAt, findCells } from '../../src/editor/cells';
import { expressionAt, lastLine, lineLabel, nextCodeLine, regionFromText, toDocument } from '../../src/editor/code-region';
import { locateError } from '../../src/editor/traceback';
import type { PythonError } from '../../src/sandbox/protocol';
import { failure, type RunResult } from '../../src/sandbox/result';
import { formatDuration, prettyJson, runFooter, shortValue } from '../../src/presenters/format';

describe('editor: code regions', () => {
  it('dedents an indented selection and maps positions back', () => {
    const region = regionFromText('    if x:\n        y = 1/0\n', 9);
    assert.equal(region.code, 'if x:\n    y = 1/0\n');
    assert.deepEqual(toDocument(region, 2, 8), { line: 10, character: 12 });
    assert.equal(lineLabel(region), '10-11');
  });

  it('labels lines without the empty one after a final newline', () => {
    assert.equal(lineLabel(regionFromText('a = 1\nb = 2\nc = 3\n', 0)), '1-3');
    assert.equal(lineLabel(regionFromText('', 4)), '5');
  });

  it('ends a run at its last line, blank ones included, but not at the empty rest after a final newline', () => {
    // Whole lines 3-4 selected down to column 0 of line 5.
    assert.equal(lastLine(regionFromText('a = 1\nb = 2\n', 2)), 3);
    // A file whose trailing blank lines can carry an error (IndentationError after `def f():`).
    assert.equal(lastLine(regionFromText('def f():\n\n\n', 0)), 2);
    assert.equal(lastLine(regionFromText('x', 6)), 6);
    assert.equal(lastLine(regionFromText('', 6)), 6);
  });

  it('keeps blank lines and lines indented less than the rest', () => {
    const region = regionFromText('  a = 1\n\n  b = 2', 0);
    assert.equal(region.code, 'a = 1\n\nb = 2');
  });

  it('accounts for a selection that starts mid-line', () => {
    const region = regionFromText('foo(1)', 4, 7);
    assert.deepEqual(toDocument(region, 1, 0), { line: 4, character: 7 });
    assert.equal(lineLabel(region), '5');
  });

  it('handles CRLF documents', () => {
    assert.equal(regionFromText('\tx = 1\r\n\ty = 2', 0).code, 'x = 1\ny = 2');
  });

  it('moves to the next line with code', () => {
    assert.equal(nextCodeLine(['a = 1', '', '# note', 'b = 2'], 0), 3);
    assert.equal(nextCodeLine(['a = 1', ''], 0), 1);
  });

  it('finds the expression under the cursor', () => {
    assert.equal(expressionAt('print(data.items[0])', 9), 'data.items[0]');
    assert.equal(expressionAt('    total = price * qty', 13), 'price');
    assert.equal(expressionAt('  1 + 2  ', 3), '1 + 2');
  });
});

describe('editor: cells', () => {
  const lines = ['import os', '# %% first', 'a = 1', '', '#%% second', 'b = 2'];

  it('splits at # %% markers, with the code above the first marker as its own cell', () => {
    assert.deepEqual(findCells(lines), [
      { startLine: 0, endLine: 0 },
      { headerLine: 1, startLine: 2, endLine: 3 },
      { headerLine: 4, startLine: 5, endLine: 5 },
    ]);
  });

  it('finds the cell at a line, header included', () => {
    const cells = findCells(lines);
    assert.equal(cellAt(cells, 4)?.headerLine, 4);
    assert.equal(cellAt(cells, 3)?.headerLine, 1);
  });

  it('a file without markers has no cells', () => {
    assert.deepEqual(findCells(['a = 1']), []);
  });
});

describe('editor: tracebacks to ranges', () => {
  const doc = ['def f():', '    return 1/0', '', 'f()'];
  const text = (line: number): string => doc[line];

  it('points at the raising expression and lists the callers', () => {
    const error: PythonError = {
      type: 'ZeroDivisionError',
      message: 'division by zero',
      frames: [
        { line: 4, column: 0, endColumn: 3, name: '<module>' },
        { line: 2, column: 11, endColumn: 14, name: 'f' },
      ],
    };
    const location = locateError(regionFromText(doc.join('\n'), 0), error, text);
    assert.deepEqual(location?.range, { start: { line: 1, character: 11 }, end: { line: 1, character: 14 } });
    assert.deepEqual(location?.related, [
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } }, message: '<module> called f' },
    ]);
  });

  it('maps through a dedented selection', () => {
    const region = regionFromText(doc[1], 1);
    const location = locateError(
      region,
      { type: 'ZeroDivisionError', message: '', frames: [{ line: 1, column: 7, endColumn: 10, name: '<module>' }] },
      text,
    );
    assert.deepEqual(location?.range.start, { line: 1, character: 11 });
  });

  it('covers the line text when there is no column', () => {
    const location = locateError(regionFromText(doc.join('\n'), 0), { type: 'E', message: '', frames: [{ line: 2, name: 'f' }] }, text);
    assert.deepEqual(location?.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 14 } });
  });

  it('has nothing to point at without frames', () => {
    assert.equal(locateError(regionFromText('x', 0), { type: 'TypeError', message: '', frames: [] }, text), undefined);
  });
});

describe('ui: formatting', () => {
  const ok: RunResult = { mode: 'exec', output: '', truncated: false, durationMs: 12, restarted: false };

  it('footers say the outcome', () => {
    assert.equal(runFooter(ok), '✓ 12 ms');
    assert.equal(
      runFooter(failure('exec', 'ZeroDivisionError', 'division by zero'), 14),
      '✗ ZeroDivisionError: division by zero (line 14)',
    );
    assert.equal(runFooter({ ...ok, truncated: true }), '✓ 12 ms (output truncated)');
  });

  it('durations read naturally', () => {
    assert.deepEqual([formatDuration(3.4), formatDuration(1400), formatDuration(123_000)], ['3 ms', '1.4 s', '2 min 3 s']);
  });

  it('values are pretty-printed, and shortened for annotations', () => {
    assert.equal(prettyJson('{"a": [1, 2]}'), '{\n  "a": [\n    1,\n    2\n  ]\n}');
    assert.equal(prettyJson('NaN'), 'NaN');
    // What the sandbox sends must not grow with its depth in the extension host.
    const deep = `${'['.repeat(1000)}${'0,'.repeat(20_000)}0${']'.repeat(1000)}`;
    assert.equal(prettyJson(deep), deep);
    const large = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => i));
    assert.equal(prettyJson(large), large);
    assert.equal(shortValue('[' + '1, '.repeat(40) + '1]', 20), '[1, 1, 1, 1, 1, 1, …');
  });
});
