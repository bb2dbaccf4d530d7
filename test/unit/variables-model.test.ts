import * as assert from 'node:assert/strict';
import { namePathAt, oneLine, tableSize, variableDescription, variableMarkdown } from '../../src/presenters/variables-model';
import type { Variable } from '../../src/sandbox/protocol';
import { BREAKOUT_CASES } from '../fixtures/breakout-code';
import { foreignTags, splitCode, textOf } from '../fixtures/rendered-html';

/** Markdown as VS Code renders a MarkdownString: with marked (an ECMAScript module, so loaded in `before`). */
let render: (markdown: string) => string;
before(async () => {
  const { marked } = await import('marked');
  render = (markdown) => marked.parse(markdown, { async: false });
});

const variable = (fields: Partial<Variable>): Variable => ({
  name: 'x',
  type: 'int',
  kind: 'data',
  expandable: false,
  table: false,
  ...fields,
});

const HOSTILE = [
  '[click](command:workbench.action.terminal.new)',
  '![track](https://example.invalid/pixel.png)',
  '<img src=x onerror=alert(1)>',
  '**bold** _em_ <b>b</b> &lt; `tick` ``` ````',
  '\u202Ereversed\u200B\u0007bell\r\nnext',
];

describe('variables view: what the sandbox says is shown as text', () => {
  for (const text of [...HOSTILE, ...BREAKOUT_CASES.map((c) => c.code)]) {
    it(`a hover or tooltip renders no element of the value's: ${JSON.stringify(text).slice(0, 60)}`, () => {
      const fields = [
        variable({ name: text, type: text, summary: text, value: text }),
        variable({ name: text, type: text, unavailable: text }),
      ];
      for (const shown of fields) {
        const html = render(variableMarkdown(text, shown, 'Python Sandbox'));
        const { blocks, around } = splitCode(html);
        assert.deepEqual(foreignTags(around), [], `only our own Markdown renders:\n${html}`);
        assert.ok(blocks.length <= 1, 'at most one code block, the value');
        if (shown.value !== undefined) assert.equal(blocks[0], blockOf(text));
        assert.match(textOf(around), / — Python Sandbox/);
      }
    });
  }

  it('tree labels and descriptions are one line without control or format characters', () => {
    const shown = variableDescription(variable({ value: 'a\u202Eb\nc\u0000d', type: 'str', summary: '4 characters' }));
    assert.equal(shown, 'ab cd · str, 4 characters');
    assert.equal(
      variableDescription(variable({ type: 'Loop', unavailable: 'reading it took\nlonger' })),
      'Loop · unavailable: reading it took longer',
    );
    assert.equal(oneLine('x'.repeat(500), 10), `${'x'.repeat(9)}…`);
    assert.equal(oneLine('lone \uD800 surrogate', 100), 'lone \uFFFD surrogate');
  });

  it('states a table’s size, and how much of it is shown', () => {
    assert.equal(tableSize(2, 2, 3, 3), '2 rows × 3 columns');
    assert.equal(tableSize(1000, 25_000, 100, 240), 'first 1,000 rows of 25,000 rows × 100 columns of 240');
    assert.equal(tableSize(1, 1, 1, 1), '1 row × 1 column');
  });
});

/** What the code block shows of sandbox text: well-formed, without control and format characters but line breaks and tabs. */
function blockOf(text: string): string {
  const shown = text.toWellFormed().replace(/[\p{Cf}]|[^\P{Cc}\n\t]/gu, '');
  return shown === '' || shown.endsWith('\n') ? shown : `${shown}\n`;
}

describe('variables view: the name under the cursor', () => {
  const at = (line: string, marker = '|'): ReturnType<typeof namePathAt> => namePathAt(line.replace(marker, ''), line.indexOf(marker));

  it('finds a name, and the attributes before it', () => {
    assert.deepEqual(at('y = fo|o + 1'), { path: ['foo'], start: 4, end: 7 });
    assert.deepEqual(at('print(p.no|rm)'), { path: ['p', 'norm'], start: 8, end: 12 });
    assert.deepEqual(at('a . b.c|'), { path: ['a', 'b', 'c'], start: 6, end: 7 });
    assert.deepEqual(at('données = |été'), { path: ['été'], start: 10, end: 13 });
  });

  it('finds nothing on keywords, numbers, or attributes of what is called or indexed', () => {
    for (const line of ['for| x in y', 'x = 0x1|f', 'f().na|me', 'a[0].na|me', "'s'.up|per()", 'x = 1| + 2']) {
      assert.equal(at(line), undefined, line);
    }
  });
});
