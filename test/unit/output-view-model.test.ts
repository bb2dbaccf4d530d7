import * as assert from 'node:assert/strict';
import { chooseItem, partChars, partFor } from '../../src/presenters/output-view-model';
import type { DisplayItem } from '../../src/sandbox/protocol';

const text = (mime: string, data: string): DisplayItem => ({ mime, data, encoding: 'text' });
const PLAIN = text('text/plain', 'repr');

describe('output view: what a bundle shows as', () => {
  it('picks the richest representation: HTML, then images, then Markdown and JSON, then text', () => {
    const png: DisplayItem = { mime: 'image/png', data: 'iVBORw0KGgo=', encoding: 'base64' };
    assert.equal(chooseItem([PLAIN, png, text('text/html', '<b>')]).mime, 'text/html');
    assert.equal(chooseItem([PLAIN, text('text/markdown', '*'), png]).mime, 'image/png');
    assert.equal(chooseItem([PLAIN, text('application/json', '{}'), text('text/markdown', '*')]).mime, 'text/markdown');
    assert.equal(chooseItem([text('text/latex', '$x$'), PLAIN]).mime, 'text/plain', 'LaTeX is not rendered: the repr reads better');
    assert.equal(
      chooseItem([text('application/x-custom', 'c')]).mime,
      'application/x-custom',
      'a bundle without text/plain shows its first item',
    );
  });

  it('makes images data for a data: URL, JSON indented, and binary it cannot show a note', () => {
    assert.deepEqual(partFor(text('image/svg+xml', '<svg/>'), 1), { kind: 'image', id: 1, mime: 'image/svg+xml', base64: 'PHN2Zy8+' });
    assert.deepEqual(partFor({ mime: 'image/png', data: 'AAAA', encoding: 'base64' }, 2), {
      kind: 'image',
      id: 2,
      mime: 'image/png',
      base64: 'AAAA',
    });
    assert.deepEqual(partFor(text('application/json', '{"a":[1]}'), 3), { kind: 'pre', id: 3, text: '{\n  "a": [\n    1\n  ]\n}' });
    assert.deepEqual(partFor({ mime: 'application/pdf', data: 'AAAAAAAA', encoding: 'base64' }, 4), {
      kind: 'pre',
      id: 4,
      text: '[application/pdf, 6 bytes]',
    });
    assert.deepEqual(partFor(text('text/html', '<i>x</i>'), 5), { kind: 'html', id: 5, html: '<i>x</i>' });
  });

  it('counts every kind of part against the view limit, text as much as images', () => {
    assert.equal(partChars({ kind: 'pre', id: 1, text: 'abc' }), 3);
    assert.equal(partChars({ kind: 'text', id: 2, stream: 'stdout', text: 'abcd' }), 4);
    assert.equal(partChars({ kind: 'html', id: 3, html: '<b>x</b>' }), 8);
    assert.equal(partChars({ kind: 'image', id: 4, mime: 'image/png', base64: 'AAAA' }), 4);
  });
});
