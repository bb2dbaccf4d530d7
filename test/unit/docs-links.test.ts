/**
 * The project's Markdown documents link to each other and into their sections. Every relative
 * link must reach a file that exists and, with a `#anchor`, a heading of the target that makes
 * that anchor as GitHub makes them, so that a section moved from one document to another cannot
 * leave a link pointing at nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../launch/paths';
import { outline, relativeLinks, type MarkdownOutline } from './markdown-links';

/** The documents checked, relative to the repository root (and every docs/*.md). */
const DOCUMENTS = ['README.md', 'SECURITY.md', 'CONTRIBUTING.md', 'CHANGELOG.md'];

/** What is wrong with the relative links of the Markdown file `file` (absolute), one line each. */
async function brokenLinks(file: string): Promise<string[]> {
  const read = (f: string): Promise<MarkdownOutline> => outline(fs.readFileSync(f, 'utf8'));
  const own = await read(file);
  const problems: string[] = [];
  const name = path.relative(REPO_ROOT, file);
  for (const link of relativeLinks(own.hrefs)) {
    const target = link.path === '' ? file : path.resolve(path.dirname(file), link.path);
    if (!fs.existsSync(target)) {
      problems.push(`${name}: ${link.href}: no file ${path.relative(REPO_ROOT, target)}`);
      continue;
    }
    if (link.anchor === undefined || !target.endsWith('.md')) continue;
    const { anchors } = target === file ? own : await read(target);
    if (!anchors.has(link.anchor))
      problems.push(`${name}: ${link.href}: no heading of ${path.relative(REPO_ROOT, target)} makes #${link.anchor}`);
  }
  return problems;
}

describe("the documents' links", () => {
  it('reach files that exist and headings that make their anchors', async () => {
    const docs = fs
      .readdirSync(path.join(REPO_ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join('docs', f));
    assert.ok(docs.length > 0, 'docs/ holds Markdown');
    const problems = (await Promise.all([...DOCUMENTS, ...docs].map((doc) => brokenLinks(path.join(REPO_ROOT, doc))))).flat();
    assert.deepEqual(problems, []);
  });

  it('are checked: a missing file, a missing anchor and one in another document are found', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-links-'));
    try {
      fs.mkdirSync(path.join(folder, 'docs'));
      fs.writeFileSync(path.join(folder, 'docs', 'other.md'), '# Other\n\n## The browser worker’s lock-down\n');
      const main = path.join(folder, 'main.md');
      fs.writeFileSync(
        main,
        [
          '# Main',
          '## vscode.dev, github.dev and the browser',
          '## `pythonSandbox.files` (1 to 2000)',
          '## Limits',
          '## Limits',
          '',
          '[ok](#vscodedev-githubdev-and-the-browser) [ok](#pythonsandboxfiles-1-to-2000) [ok](#limits-1)',
          '[ok](docs/other.md#the-browser-workers-lock-down) [ok](https://example.com/#nothing) ![ok](docs/other.md)',
          '`[in code](#nowhere)`',
          '',
          '```',
          '[in a block](missing.md)',
          '```',
          '',
          '[gone](SECURITY.md) [no anchor](#benchmark) [elsewhere](docs/other.md#the-browser-worker) ![pic](media/x.png)',
          '',
          '| a | b |',
          '| --- | --- |',
          '| [cell](#limits-2) | |',
          '',
        ].join('\n'),
      );
      const found = (await brokenLinks(main)).map((line) => line.slice(line.indexOf(': ') + 2));
      assert.deepEqual(found, [
        `SECURITY.md: no file ${path.relative(REPO_ROOT, path.join(folder, 'SECURITY.md'))}`,
        `#benchmark: no heading of ${path.relative(REPO_ROOT, main)} makes #benchmark`,
        `docs/other.md#the-browser-worker: no heading of ${path.relative(REPO_ROOT, path.join(folder, 'docs', 'other.md'))} makes #the-browser-worker`,
        `media/x.png: no file ${path.relative(REPO_ROOT, path.join(folder, 'media', 'x.png'))}`,
        `#limits-2: no heading of ${path.relative(REPO_ROOT, main)} makes #limits-2`,
      ]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
