import * as assert from 'node:assert/strict';
import { pythonTraceback } from '../../src/cli-traceback';

/** tb1.py of the python3 comparison: ratio(1, 0) two calls deep. */
const NESTED = 'def ratio(a, b):\n    return a / b\n\ndef outer():\n    x = ratio(1, 0)\n\nouter()\n';

describe('the CLI traceback, as python3 prints an uncaught error', () => {
  it('names the file, line and function of each frame, outermost first, with the line and carets under the expression', () => {
    const error = {
      type: 'ZeroDivisionError',
      message: 'division by zero',
      frames: [
        { line: 7, endLine: 7, column: 0, endColumn: 7, name: '<module>' },
        { line: 5, endLine: 5, column: 8, endColumn: 19, name: 'outer' },
        { line: 2, endLine: 2, column: 11, endColumn: 16, name: 'ratio', operatorStart: 13, operatorEnd: 14 },
      ],
    };
    assert.equal(
      pythonTraceback(error, NESTED, '/tmp/tb1.py'),
      [
        'Traceback (most recent call last):',
        '  File "/tmp/tb1.py", line 7, in <module>',
        '    outer()',
        '  File "/tmp/tb1.py", line 5, in outer',
        '    x = ratio(1, 0)',
        '        ^^^^^^^^^^^',
        '  File "/tmp/tb1.py", line 2, in ratio',
        '    return a / b',
        '           ~~^~~',
        'ZeroDivisionError: division by zero',
        '',
      ].join('\n'),
    );
  });

  it('marks an operator even where the carets would underline the whole line; operator columns outside the span mark nothing', () => {
    const keyError = (operator: { operatorStart: number; operatorEnd: number }): string =>
      pythonTraceback(
        { type: 'KeyError', message: "'k'", frames: [{ line: 2, endLine: 2, column: 4, endColumn: 10, name: 'f', ...operator }] },
        'def f(d):\n    d["k"]\n',
        '<string>',
      );
    assert.equal(keyError({ operatorStart: 5, operatorEnd: 10 }).split('\n')[3], '    ~^^^^^');
    // The sandbox reports the columns, and may lie: what it names outside the expression is not drawn.
    assert.equal(keyError({ operatorStart: 50, operatorEnd: 60 }).split('\n')[3], '    ~~~~~~');
    // Nor is anything past the line: a column of ten million draws one caret at its end, not ten million spaces.
    const far = pythonTraceback(
      { type: 'KeyError', message: "'k'", frames: [{ line: 2, endLine: 2, column: 10_000_000, endColumn: 10_000_000, name: 'f' }] },
      'def f(d):\n    d["k"]\n',
      '<string>',
    );
    assert.ok(far.length < 200, `${far.length} characters`);
  });

  it('marks a SyntaxError where the parser stopped, with no traceback', () => {
    const invalid = {
      type: 'SyntaxError',
      message: 'invalid syntax',
      frames: [{ line: 1, endLine: 1, column: 9, endColumn: 10, name: '<module>' }],
    };
    assert.equal(
      pythonTraceback(invalid, 'print(1 +* 2)', '<string>'),
      '  File "<string>", line 1\n    print(1 +* 2)\n             ^\nSyntaxError: invalid syntax\n',
    );
    const unclosed = {
      type: 'SyntaxError',
      message: "'(' was never closed",
      frames: [{ line: 2, endLine: 3, column: 6, endColumn: 0, name: '<module>' }],
    };
    assert.equal(
      pythonTraceback(unclosed, 'if True:\n  x = (1 +\n', '<stdin>'),
      '  File "<stdin>", line 2\n    x = (1 +\n        ^\nSyntaxError: \'(\' was never closed\n',
    );
  });

  it('is the error alone when no frame is known (a timeout, a crash), and shows no line the code does not have', () => {
    assert.equal(
      pythonTraceback({ type: 'TimeoutError', message: 'too long', frames: [] }, 'while True: pass', '<string>'),
      'TimeoutError: too long\n',
    );
    assert.equal(
      pythonTraceback({ type: 'KeyboardInterrupt', message: '', frames: [{ line: 9, name: '<module>' }] }, 'x = 1', '<string>'),
      'Traceback (most recent call last):\n  File "<string>", line 9, in <module>\nKeyboardInterrupt\n',
    );
  });
});
