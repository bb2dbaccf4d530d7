import * as assert from 'node:assert/strict';
import { cellTraceback } from '../../src/notebook/cell-traceback';
import type { PythonError } from '../../src/sandbox/protocol';

const SOURCE = 'def f(x):\n    return 1 / x\n\nf(0)\n';

describe('notebook: cell tracebacks', () => {
  it('shows each frame of the cell with its line, outermost first, then the error', () => {
    const error: PythonError = {
      type: 'ZeroDivisionError',
      message: 'division by zero',
      frames: [
        { line: 4, name: '<module>' },
        { line: 2, column: 11, endColumn: 16, name: 'f' },
      ],
    };
    assert.equal(
      cellTraceback(error, SOURCE, 7),
      [
        'Cell In[7], line 4, in <module>\n----> 4 f(0)',
        'Cell In[7], line 2, in f\n----> 2     return 1 / x',
        'ZeroDivisionError: division by zero',
      ].join('\n\n'),
    );
  });

  it('draws a frame that ran four times or more in a row twice, counts the rest, and draws it once more, as IPython does', () => {
    const recursion = 'def down(n):\n    return down(n - 1)\n\ndown(9)\n';
    const frame = (repeats?: number): PythonError => ({
      type: 'RecursionError',
      message: 'maximum recursion depth exceeded',
      frames: [
        { line: 4, name: '<module>' },
        { line: 2, name: 'down', ...(repeats ? { repeats } : {}) },
      ],
    });
    const down = 'Cell In[1], line 2, in down\n----> 2     return down(n - 1)';
    const drawn = (repeats?: number): string[] => cellTraceback(frame(repeats), recursion, 1).split('\n\n').slice(1, -1);
    assert.deepEqual(drawn(), [down]);
    assert.deepEqual(drawn(3), [down, down, down]);
    assert.deepEqual(drawn(50), [down, down, '    [... skipping similar frames: down at line 2 (47 times)]', down]);
  });

  it('puts carets under the columns of a SyntaxError, and names no function', () => {
    const error: PythonError = {
      type: 'SyntaxError',
      message: 'invalid syntax',
      frames: [{ line: 1, endLine: 1, column: 6, endColumn: 8, name: '<module>' }],
    };
    assert.equal(
      cellTraceback(error, 'x = 1 +* 2', 3),
      'Cell In[3], line 1\n----> 1 x = 1 +* 2\n              ^^\n\nSyntaxError: invalid syntax',
    );
  });

  it('is the error alone when no frame is in the cell; a line past the source is named, not shown', () => {
    assert.equal(cellTraceback({ type: 'TimeoutError', message: 'too long', frames: [] }, 'pass', 1), 'TimeoutError: too long');
    const beyond = cellTraceback({ type: 'KeyError', message: '', frames: [{ line: 9, name: '<module>' }] }, 'x', 2);
    assert.equal(beyond, 'Cell In[2], line 9, in <module>\n\nKeyError');
  });
});
