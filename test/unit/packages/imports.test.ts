import * as assert from 'node:assert/strict';
import { findImports } from '../../../src/packages/imports';
import { IMPORT_CASES } from '../../fixtures/import-cases';

describe('packages: imports found in code', () => {
  for (const [code, expected] of IMPORT_CASES) {
    it(JSON.stringify(code).slice(0, 90), () => assert.deepEqual(findImports(code), expected));
  }

  it('still finds imports in code that does not parse (find_imports gives none there)', () => {
    assert.deepEqual(findImports('import numpy\nprint(1'), ['numpy']);
  });

  it('recovers from an unterminated one-line string at the end of its line', () => {
    assert.deepEqual(findImports('s = "open\nimport after_open'), ['after_open']);
  });

  it('reads a large file quickly', () => {
    const code = 'import os\nx = f"{a!r:>{b}}"  # comment\n"""doc"""\n'.repeat(50_000);
    const started = performance.now();
    assert.deepEqual(findImports(code), ['os']);
    // Generous: the point is linear time, not a tight budget.
    assert.ok(performance.now() - started < 5000);
  });
});
