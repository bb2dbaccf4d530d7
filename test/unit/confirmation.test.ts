import * as assert from 'node:assert/strict';
import type { PackagePreview } from '../../src/packages/manager';
import { codeSpan, confirmationMarkdown, visibleCode, type ConfirmationFacts } from '../../src/tools/confirmation';
import { BREAKOUT_CASES } from '../fixtures/breakout-code';
import { foreignTags, splitCode, textOf } from '../fixtures/rendered-html';

/** What a confirmation for `code` holds when nothing else matters. */
function facts(code: string, more: Partial<ConfirmationFacts> = {}): ConfirmationFacts {
  return {
    code,
    mode: 'exec',
    timeout: { seconds: 60, chosenBy: 'setting' },
    packages: { kind: 'known', packages: [], fromPyPI: [], pypiIndexUrl: 'https://pypi.org/simple' },
    install: 'ask',
    fresh: false,
    ...more,
  };
}

/** Markdown as VS Code renders a MarkdownString: with marked, which VS Code bundles (an ECMAScript module, so loaded in `before`). */
let render: (markdown: string) => string;
before(async () => {
  const { marked } = await import('marked');
  render = (markdown) => marked.parse(markdown, { async: false });
});

/** The text of the confirmation's list items, tags dropped. */
function items(markdown: string): string[] {
  return [...render(markdown).matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => textOf(match[1]));
}

describe('agent tool confirmation: the code block', () => {
  for (const { name, code, shown } of BREAKOUT_CASES) {
    it(`shows the code, and only it, in one block that nothing closes: ${name}`, () => {
      const { blocks, around } = splitCode(render(confirmationMarkdown(facts(code))));
      assert.equal(blocks.length, 1, 'exactly one code block');
      assert.equal(blocks[0], shown === '' || shown.endsWith('\n') ? shown : `${shown}\n`);
      assert.deepEqual(foreignTags(around), [], `only the confirmation's own Markdown renders:\n${around}`);
    });
  }

  it("holds none of VS Code chat's own markup, which the chat leaves out of a code block it shows", () => {
    for (const { code } of BREAKOUT_CASES) assert.doesNotMatch(confirmationMarkdown(facts(code)), /<vscode_/i);
    const said = items(confirmationMarkdown(facts("x = 1  # <vscode_annotation details=''>y</vscode_annotation>"))).find((item) =>
      item.startsWith('Marked:'),
    );
    assert.match(said ?? '', /VS Code's chat would take for its own markup are written as ⟦U\+…⟧ here: U\+003C\./);
  });

  it('marks every invisible, control and text-direction character, and says which', () => {
    const hostile = 'x = "\u202E\u2066\u200B\u200F\uFEFF\u00AD\u0000\u001B"';
    const { text, marked: codes } = visibleCode(hostile);
    assert.equal(text, 'x = "⟦U+202E⟧⟦U+2066⟧⟦U+200B⟧⟦U+200F⟧⟦U+FEFF⟧⟦U+00AD⟧⟦U+0000⟧⟦U+001B⟧"');
    assert.deepEqual(codes, ['U+202E', 'U+2066', 'U+200B', 'U+200F', 'U+FEFF', 'U+00AD', 'U+0000', 'U+001B']);
    const said = items(confirmationMarkdown(facts(hostile))).find((item) => item.startsWith('Marked:'));
    assert.ok(said?.includes('here: U+202E, U+2066, U+200B, U+200F, U+FEFF, U+00AD, U+0000, U+001B.'), said);
    assert.match(said ?? '', /The code that runs holds the characters themselves/);
  });

  it('marks every format and control character but tab and line endings, from every plane', () => {
    for (let point = 0; point <= 0x10ffff; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue;
      const char = String.fromCodePoint(point);
      if (!/[\p{Cc}\p{Cf}]/u.test(char) || '\t\n\r'.includes(char)) continue;
      assert.equal(visibleCode(char).text, `⟦U+${point.toString(16).toUpperCase().padStart(4, '0')}⟧`, `U+${point.toString(16)}`);
    }
  });

  it('leaves ordinary code as it is, tabs, accents, other scripts and emoji included', () => {
    const code = 'def f():\n\treturn "café naïve 日本語 Ελληνικά עברית 🐍"  # ✓\n';
    assert.deepEqual(visibleCode(code), { text: code, marked: [] });
    assert.ok(!items(confirmationMarkdown(facts(code))).some((item) => item.startsWith('Marked:')));
  });

  it('says how long the code is and how wide its longest line, which may reach past the block', () => {
    const size = (code: string): string | undefined => items(confirmationMarkdown(facts(code))).find((item) => item.startsWith('Size:'));
    assert.equal(size(`print(1)\n${' '.repeat(300)}x = 1\n\n`), 'Size: 3 lines; the longest, line 2, is 305 columns wide.');
    assert.equal(size('1 + 1'), 'Size: 1 line; the longest is 5 columns wide.');
    assert.equal(size(''), 'Size: no code.');
  });

  it('counts a line as wide as it shows: a tab to the next multiple of 8, a wide character as 2', () => {
    const size = (code: string): string | undefined => items(confirmationMarkdown(facts(code))).find((item) => item.startsWith('Size:'));
    // A short line, then blank space past the block's edge and a call there: 28 characters.
    assert.equal(size(`x = 1\n\t\ty = 2${'\t'.repeat(20)}; evil()`), 'Size: 2 lines; the longest, line 2, is 184 columns wide.');
    assert.equal(size('s = "日本語"  # 🐍'), 'Size: 1 line; the longest is 18 columns wide.');
  });

  it('takes code of any shape: 300,000 lines, 500,000 backtick runs', () => {
    const lines = confirmationMarkdown(facts('x\n'.repeat(300_000)));
    assert.match(lines, /\*\*Size:\*\* 300000 lines; the longest, line 1, is 1 column wide\./);
    const ticks = confirmationMarkdown(facts(`${'`x'.repeat(500_000)}\n${'`'.repeat(7)}`));
    assert.match(ticks, /\n`{8}python\n/);
  });
});

describe('agent tool confirmation: time limit, packages, namespace', () => {
  const item = (more: Partial<ConfirmationFacts>, label: string): string | undefined =>
    items(confirmationMarkdown(facts('import numpy', more))).find((text) => text.startsWith(`${label}:`));

  it('shows the time limit that will apply: the agent’s, bounded, or the setting’s', () => {
    assert.equal(item({ timeout: { seconds: 5, chosenBy: 'agent' } }, 'Time limit'), 'Time limit: 5 s, as the agent asked.');
    assert.equal(
      item({ timeout: { seconds: 86400, chosenBy: 'agent', asked: 1e9 } }, 'Time limit'),
      'Time limit: 86400 s, the most allowed (the agent asked for 1000000000 s).',
    );
    assert.equal(item({ timeout: { seconds: 60, chosenBy: 'setting' } }, 'Time limit'), 'Time limit: 60 s (pythonSandbox.timeoutSeconds).');
    assert.equal(
      item({ timeout: { seconds: 0, chosenBy: 'setting' } }, 'Time limit'),
      'Time limit: none (pythonSandbox.timeoutSeconds is 0).',
    );
  });

  it('names the packages the run will load, cached or to download, and what happens to downloads', () => {
    const packages: PackagePreview = {
      kind: 'known',
      packages: [
        { name: 'numpy', version: '2.4.6', source: 'lock', cached: true },
        { name: 'attrs', version: '26.1.0', source: 'pypi', cached: false },
      ],
      fromPyPI: [],
      pypiIndexUrl: 'https://pypi.org/simple',
    };
    assert.equal(
      item({ packages, install: 'never' }, 'Packages'),
      'Packages: numpy 2.4.6 (cached), attrs 26.1.0 (to download, from PyPI). Nothing is downloaded (pythonSandbox.packages.install is never): a package that is not cached stops the run before its code.',
    );
    assert.equal(
      item({ packages: { ...packages, packages: packages.packages.slice(0, 1) } }, 'Packages'),
      'Packages: numpy 2.4.6 (cached).',
      'nothing to download: nothing said of downloads',
    );
    assert.equal(item({ packages: undefined }, 'Packages'), 'Packages: none: the standard library only.');
    assert.equal(item({}, 'Packages'), 'Packages: none: the standard library only.');
  });

  it('names PyPI requirements not resolved yet, and says when the lock is not at hand or the packages cannot be had', () => {
    assert.equal(
      item({ packages: { kind: 'known', packages: [], fromPyPI: ['attrs>=23'], pypiIndexUrl: 'https://pypi.org/simple' } }, 'Packages'),
      'Packages: from the PyPI index https://pypi.org/simple, in versions it chooses when the run starts, with their dependencies: attrs>=23. Nothing is downloaded before you agree to it (pythonSandbox.packages.install is ask).',
    );
    assert.equal(
      item(
        { packages: { kind: 'lock-not-cached', lockUrl: 'https://example.com/pyodide-lock.json', named: ['six'] }, install: 'auto' },
        'Packages',
      ),
      'Packages: six and what the code imports, worked out when the run starts: the lock of the package index, https://example.com/pyodide-lock.json, is downloaded first. What is not cached is downloaded without asking (pythonSandbox.packages.install is auto).',
    );
    assert.equal(
      item({ packages: { kind: 'failed', reason: "numpy: the lock has 2.4.6, which does not satisfy '>=3'" } }, 'Packages'),
      "Packages: they cannot be had, so the run will stop before its code: numpy: the lock has 2.4.6, which does not satisfy '>=3'",
    );
  });

  it('puts text that is not its own in code spans: no link, emphasis or HTML renders from a requirement or a message', () => {
    const hostile = [
      '[click](https://example.com)',
      '<img src=x>',
      '`` `x` ``',
      '*a* _b_ https://example.com',
      'a\nb\u202Ec',
      '` lead',
      'trail `',
    ];
    for (const text of hostile) {
      const html = render(`- ${codeSpan(text)}`);
      const spans = [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)];
      assert.equal(spans.length, 1, html);
      assert.doesNotMatch(html.replace(/<code>[\s\S]*?<\/code>/, ''), /<(?!\/?(ul|li)>)/, html);
      assert.equal(textOf(spans[0][1]), visibleCode(text).text.replace(/\n/g, ' '));
    }
    const failed = item({ packages: { kind: 'failed', reason: '[x](https://example.com) <b>y</b>' } }, 'Packages');
    assert.equal(failed, 'Packages: they cannot be had, so the run will stop before its code: [x](https://example.com) <b>y</b>');
  });

  it('says whether the run keeps what earlier agent runs defined', () => {
    assert.match(item({ fresh: false }, 'Namespace')!, /keeps what earlier agent runs defined/);
    assert.match(item({ fresh: true }, 'Namespace')!, /a fresh one/);
  });
});
