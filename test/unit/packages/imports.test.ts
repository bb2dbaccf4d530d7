import * as assert from 'node:assert/strict';
import { findImports } from '../../../src/packages/imports';
import { assertAllAgree, readJsonFixture } from '../../fixtures/corpus';
import { IMPORT_CASES } from '../../fixtures/import-cases';

describe('packages: imports found in code', () => {
  for (const [code, expected] of IMPORT_CASES) {
    it(JSON.stringify(code).slice(0, 90), () => assert.deepEqual(findImports(code), expected));
  }

  it("finds what Python's ast finds in every generated snippet (test/fixtures/imports)", () => {
    const corpus = readJsonFixture<{ cases: [string, string[]][] }>('test/fixtures/imports/corpus.json');
    const disagreements = corpus.cases.flatMap(([code, expected]) => {
      const found = findImports(code);
      return found.join() === expected.join()
        ? []
        : [`${JSON.stringify(code)}: ast finds ${expected.join(', ')}; this, ${found.join(', ')}`];
    });
    assert.ok(corpus.cases.length >= 1000);
    assertAllAgree("Python's ast", 'snippets', corpus.cases.length, disagreements);
  });

  it('still finds imports in code that does not parse (find_imports gives none there)', () => {
    assert.deepEqual(findImports('import numpy\nprint(1'), ['numpy']);
  });

  it('recovers from an unterminated one-line string at the end of its line', () => {
    assert.deepEqual(findImports('s = "open\nimport after_open'), ['after_open']);
  });

  it('reads f-strings nested as deep as Python reads them, and deeper without an overflowed stack', () => {
    // CPython reads 149 nested f-strings and refuses more (a SyntaxError): what this finds past that does not matter.
    const nested = (depth: number): string => `${'f"{'.repeat(depth)}1${'}"'.repeat(depth)}`;
    assert.deepEqual(findImports(`import before\nx = ${nested(149)}\nimport after`), ['after', 'before']);
    assert.ok(Array.isArray(findImports(`import before\nx = ${nested(100_000)}\nimport after`)));
  });

  it('reads a large file quickly', () => {
    const code = 'import os\nx = f"{a!r:>{b}}"  # comment\n"""doc"""\n'.repeat(50_000);
    const started = performance.now();
    assert.deepEqual(findImports(code), ['os']);
    // Generous: the point is linear time, not a tight budget.
    assert.ok(performance.now() - started < 5000);
  });
});
