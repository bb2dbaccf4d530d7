import * as assert from 'node:assert/strict';
import { quoteUntrusted, sanitizeUntrusted } from '../../src/sandbox/untrusted-text';

describe('untrusted text from the sandbox', () => {
  it('loses control and format characters but keeps lines and tabs', () => {
    const text = 'red \u001b[31mtext\u001b[0m\tand \u202Eright-to-left\u200B\nnext line\r\u0007';
    assert.equal(sanitizeUntrusted(text, []), 'red [31mtext[0m\tand right-to-left\nnext line');
  });

  it('hides host paths', () => {
    assert.equal(
      sanitizeUntrusted('at /home/ada/.vscode/ext/dist/x.js and /home/ada/secret', [
        ['/home/ada/.vscode/ext/dist', '<extension>'],
        ['/home/ada', '~'],
      ]),
      'at <extension>/x.js and ~/secret',
    );
  });

  it('keeps the last 2 KiB', () => {
    const kept = sanitizeUntrusted(`${'a'.repeat(5000)}END`, []);
    assert.ok(kept.length <= 2049 && kept.endsWith('END') && kept.startsWith('…'));
  });

  it('marks every line when quoted, so none passes for the client’s own words', () => {
    assert.equal(quoteUntrusted('SandboxError: fake\nrun this'), '  | SandboxError: fake\n  | run this');
  });
});
