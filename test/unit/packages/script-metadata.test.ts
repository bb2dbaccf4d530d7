import * as assert from 'node:assert/strict';
import { PackageError } from '../../../src/packages/errors';
import { findMetadataBlocks, readScriptMetadata } from '../../../src/packages/script-metadata';
import { parseToml, TomlDateTime, TomlError } from '../../../src/packages/toml';

function invalid(code: string, pattern: RegExp): void {
  assert.throws(
    () => readScriptMetadata(code),
    (error: unknown) =>
      error instanceof PackageError && error.code === 'invalid' && pattern.test(error.message) && !error.message.includes('\n'),
  );
}

describe('packages: PEP 723 inline script metadata', () => {
  it("reads the specification's example", () => {
    const code = [
      '# /// script',
      '# requires-python = ">=3.11"',
      '# dependencies = [',
      '#   "requests<3",',
      '#   "rich",',
      '# ]',
      '# ///',
      '',
      'import requests',
    ].join('\n');
    assert.deepEqual(readScriptMetadata(code), { dependencies: ['requests<3', 'rich'], requiresPython: '>=3.11' });
  });

  it('takes comments, blank comment lines, trailing commas, both quote kinds and a [tool] table', () => {
    const code = [
      '#!/usr/bin/env python3',
      '"""A docstring."""',
      '# /// script',
      '# dependencies = [  # what it needs',
      "#   'numpy',",
      '#',
      '#   "attrs>=23",  # trailing comma next',
      '# ]',
      '# [tool.uv]',
      '# exclude-newer = 2024-06-01T00:00:00Z',
      '# [tool.other]',
      '# settings = { a = 1, b = [true, false], c = """x""" }',
      '# ///',
      'print(1)',
    ].join('\n');
    assert.deepEqual(readScriptMetadata(code), { dependencies: ['numpy', 'attrs>=23'] });
  });

  it('reads CRLF files as editors on Windows hand them over', () => {
    assert.deepEqual(readScriptMetadata('# /// script\r\n# dependencies = ["six"]\r\n# ///\r\n'), { dependencies: ['six'] });
  });

  it('finds nothing in code without a block, with an unclosed block, or with only another type', () => {
    assert.equal(readScriptMetadata('import numpy\n'), undefined);
    assert.equal(readScriptMetadata('# /// script\n# dependencies = ["numpy"]\nprint(1)\n'), undefined);
    assert.equal(readScriptMetadata('# /// pyproject\n# dependencies = ["numpy"]\n# ///\n'), undefined);
    assert.equal(readScriptMetadata('#/// script\n#dependencies = ["numpy"]\n#///\n'), undefined, 'the markers need their space');
  });

  it("finds the blocks the specification's regular expression finds, on 20,000 generated texts", () => {
    const SPECIFICATION = /^# \/\/\/ ([a-zA-Z0-9-]+)$\s((?:^#(?:| .*)$\s)+)^# \/\/\/$/gm;
    const reference = (code: string): { type: string; lines: string[] }[] =>
      [...code.replace(/\r\n/g, '\n').matchAll(SPECIFICATION)].map((match) => ({
        type: match[1],
        lines: match[2].split(/[\n\r\u2028\u2029]/).slice(0, -1),
      }));
    // Mostly comment lines, so that blocks open, close, nest and run on.
    const comments = ['# /// script', '# /// other-1', '# ///', '#', '# x = 1', '# /// script ', '# ////'];
    const others = ['x = 1', '', '#x', ' # ///', '#///'];
    const ends = ['\n', '\n', '\n', '\r\n', '\r', '\u2028'];
    // mulberry32 with a fixed seed, so that a failure can be run again.
    let seed = 723;
    const next = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    let found = 0;
    for (let round = 0; round < 20_000; round++) {
      const count = next(16);
      let code = '';
      for (let i = 0; i < count; i++) {
        const piece = next(5) === 0 ? others[next(others.length)] : comments[next(comments.length)];
        code += piece + (i < count - 1 || next(2) ? ends[next(ends.length)] : '');
      }
      found += reference(code).length;
      assert.deepEqual(findMetadataBlocks(code), reference(code), JSON.stringify(code));
    }
    assert.ok(found > 3000, `the texts hold blocks (${found})`);
  });

  it('reads 100,000 lines of blocks that never close in one pass (the expression took minutes)', () => {
    assert.equal(readScriptMetadata('# /// script\n'.repeat(100_000)), undefined);
    assert.equal(readScriptMetadata(`# /// script\n${'# x\n'.repeat(100_000)}x = 1\n`.repeat(3)), undefined);
    assert.deepEqual(readScriptMetadata(`# /// script\n${'#\n'.repeat(100_000)}# dependencies = ["six"]\n# ///\n`), {
      dependencies: ['six'],
    });
  });

  it('a block without dependencies has none', () => {
    assert.deepEqual(readScriptMetadata('# /// script\n# requires-python = ">=3.12"\n# ///\n'), {
      dependencies: [],
      requiresPython: '>=3.12',
    });
  });

  it('refuses two script blocks', () => {
    invalid('# /// script\n# dependencies = ["a"]\n# ///\nx = 1\n# /// script\n# dependencies = ["b"]\n# ///\n', /more than one/);
  });

  it('refuses other shapes of dependencies, with a one-line message', () => {
    invalid('# /// script\n# dependencies = "numpy"\n# ///\n', /must be an array of strings/);
    invalid('# /// script\n# dependencies = ["numpy", 2]\n# ///\n', /must be an array of strings/);
    invalid('# /// script\n# dependencies = [["numpy"]]\n# ///\n', /must be an array of strings/);
    invalid('# /// script\n# requires-python = 3.11\n# ///\n', /requires-python/);
  });

  it('refuses a block whose TOML has a control character, even in a comment', () => {
    invalid('# /// script\n# dependencies = ["numpy"]  # \u001b[31m\n# ///\n', /does not parse \(line 1: U\+001B/);
  });

  it('refuses TOML that does not parse, naming the line', () => {
    invalid('# /// script\n# dependencies = [\n#   "numpy"\n#   "attrs",\n# ]\n# ///\n', /does not parse \(line 3/);
    invalid('# /// script\n# dependencies = ["numpy"]\n# dependencies = ["attrs"]\n# ///\n', /already defined/);
  });
});

describe('packages: TOML reader', () => {
  it('reads strings with escapes, and multi-line strings', () => {
    const table = parseToml(
      [
        'basic = "tab\\there \\"quoted\\" \\u00e9 \\U0001F600"',
        "literal = 'C:\\no\\escapes'",
        'multi = """',
        'line one \\',
        '    continues',
        'two""""',
        "raw = '''",
        "keeps \\n ''as is'''",
      ].join('\n'),
    );
    assert.deepEqual(table, {
      basic: 'tab\there "quoted" é 😀',
      literal: 'C:\\no\\escapes',
      multi: 'line one continues\ntwo"',
      raw: "keeps \\n ''as is",
    });
  });

  it('reads numbers, booleans and dates', () => {
    const table = parseToml('a = 1_000\nb = -0.5e3\nc = 0xff\nd = inf\ne = true\nf = 1979-05-27 07:32:00Z\ng = 07:32:00\nh = +0');
    assert.equal(table.a, 1000);
    assert.equal(table.b, -500);
    assert.equal(table.c, 255);
    assert.equal(table.d, Infinity);
    assert.equal(table.e, true);
    assert.ok(table.f instanceof TomlDateTime && table.f.text === '1979-05-27 07:32:00Z');
    assert.ok(table.g instanceof TomlDateTime);
    assert.equal(table.h, 0);
  });

  it('builds tables from headers, dotted keys and arrays of tables', () => {
    const table = parseToml('x.y = 1\n"quoted key".z = 2\n[a.b]\nc = 3\n[[list]]\nn = 1\n[[list]]\nn = 2\n[list.sub]\nk = "v"');
    assert.deepEqual(table, { x: { y: 1 }, 'quoted key': { z: 2 }, a: { b: { c: 3 } }, list: [{ n: 1 }, { n: 2, sub: { k: 'v' } }] });
  });

  it("reads keys named like Object's properties as keys, and changes no prototype", () => {
    const table = parseToml('__proto__ = 1\nconstructor = 2\na.__proto__.polluted = 3\n[toString]\nx = 4\n[[hasOwnProperty]]\n');
    assert.deepEqual(Object.keys(table), ['__proto__', 'constructor', 'a', 'toString', 'hasOwnProperty']);
    assert.equal(Object.getPrototypeOf(table), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(table, '__proto__')?.value, 1);
    assert.equal(Object.getOwnPropertyDescriptor(table.a, '__proto__')?.value.polluted, 3);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('refuses dates and times that do not exist, and takes those that do', () => {
    for (const bad of ['2023-02-29', '2024-02-30', '1979-04-31', '1979-05-27T24:00:00Z', '07:60:00', '1979-05-27T07:32:00+24:00']) {
      assert.throws(() => parseToml(`a = ${bad}`), /not a date or time that exists/, bad);
    }
    for (const good of ['2024-02-29', '2000-02-29', '0000-02-29', '1900-02-28', '1979-05-27 07:32:60Z', '07:32']) {
      assert.ok(parseToml(`a = ${good}`).a instanceof TomlDateTime, good);
    }
  });

  it('reads 64-bit integers exactly, and refuses larger ones', () => {
    assert.deepEqual(parseToml('a = 9223372036854775807\nb = -9223372036854775808\nc = 9007199254740991'), {
      a: 9223372036854775807n,
      b: -9223372036854775808n,
      c: 9007199254740991,
    });
    for (const bad of ['9223372036854775808', '-9223372036854775809', '0x8000000000000000'])
      assert.throws(() => parseToml(`a = ${bad}`), TomlError, bad);
  });

  it('refuses arrays and inline tables nested deeper than 100 with a TomlError, not a stack overflow', () => {
    assert.throws(() => parseToml(`a = ${'['.repeat(100_000)}`), TomlError);
    assert.throws(() => parseToml(`a = ${'{b='.repeat(101)}1${'}'.repeat(101)}`), TomlError);
    assert.ok(parseToml(`a = ${'['.repeat(100)}${']'.repeat(100)}`));
  });

  it('refuses what TOML forbids', () => {
    for (const bad of [
      'a = ',
      'a = "open',
      'a = [1, 2',
      '[a]\n[a]',
      'a = 1\na = 2',
      'a = {b = 1}\na.c = 2',
      'a = "\\q"',
      'a = 1 2',
      '= 1',
      'a = nope',
      'a = "bell \u0007"',
      'a = 1 # \u0000 in a comment',
      "a = 'carriage \r return'",
      'a = { b = 1 }\n[a.c]',
      '[a.b.c]\n[a]\nb.c.d = 1',
      '[a]\nb.c = 1\n[a.b]',
      'a = [{ b = 1 }]\n[a.c]',
    ]) {
      assert.throws(() => parseToml(bad), TomlError, JSON.stringify(bad));
    }
  });
});
