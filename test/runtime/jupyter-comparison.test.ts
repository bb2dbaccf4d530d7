/**
 * The sandbox's kernel against a real Jupyter kernel: every fixture notebook (our corpus, in the
 * styles people write; and Peter Norvig's pytudes) runs cell by cell on a fresh sandbox, and each
 * code cell's outputs must match what Debian's Jupyter (Python 3.11, IPython 8.5) saved in the
 * fixture (see comparison.ts for what is compared), or be a difference listed, with its reason,
 * in differences.json. A listed difference that no longer differs fails too. Regenerate the
 * fixtures with test/fixtures/notebooks/regenerate.py.
 *
 * NOTEBOOK_COMPARISON_DIST=/path/to/dist measures another build instead (an older one, for a
 * before/after count): then the counts are printed and nothing is asserted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeCells, parseNotebook, type CodeCell } from '../../src/notebook/ipynb';
import { runNotebook } from '../../src/notebook/run-notebook';
import { createNodeClient } from '../../src/sandbox/node-client';
import { comparable, type Listing } from '../fixtures/notebooks/comparison';
import { distDir } from './sandbox';

const FIXTURES = path.join(distDir, '..', 'test', 'fixtures', 'notebooks');
const LISTING = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'differences.json'), 'utf8')) as Listing;
const OTHER_DIST = process.env.NOTEBOOK_COMPARISON_DIST;
/** Cells skipped for their run time are run too when this is set. */
const SLOW = process.env.NOTEBOOK_SLOW === '1';

const notebooks = ['corpus', 'pytudes'].flatMap((folder) =>
  fs
    .readdirSync(path.join(FIXTURES, folder))
    .filter((file) => file.endsWith('.ipynb'))
    .sort()
    .map((file) => `${folder}/${file}`),
);

describe('the sandbox kernel against Jupyter (fixture notebooks)', function () {
  this.timeout(SLOW ? 900_000 : 300_000);
  const counts = new Map<string, { cells: number; matched: number; listed: number; skipped: number }>();
  after(() => {
    for (const [folder, { cells, matched, listed, skipped }] of counts)
      console.log(`      ${folder}: ${matched} of ${cells} code cells match Jupyter; ${listed} listed differences; ${skipped} skipped`);
  });

  for (const name of notebooks) {
    it(name, async () => {
      const expected = parseNotebook(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
      const actual = parseNotebook(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
      const folder = name.split('/')[0];
      const totals = counts.get(folder) ?? { cells: 0, matched: 0, listed: 0, skipped: 0 };
      counts.set(folder, totals);
      const listed = LISTING.differences[name] ?? {};
      const skipped = SLOW ? {} : (LISTING.skipped[name] ?? {});
      const client = createNodeClient({ distDir: OTHER_DIST ?? distDir });
      try {
        await runNotebook(client, actual, { allowErrors: true, skip: new Set(Object.keys(skipped).map(Number)) });
      } finally {
        client.dispose();
      }
      const problems: string[] = [];
      const cellNumber = (cell: CodeCell): string => String(expected.cells.indexOf(cell) + 1);
      const ours = codeCells(actual);
      for (const [index, cell] of codeCells(expected).entries()) {
        const number = cellNumber(cell);
        if (number in skipped) {
          totals.skipped++;
          continue;
        }
        totals.cells++;
        const jupyter = comparable(cell);
        const sandbox = comparable(ours[index]);
        const same = JSON.stringify(jupyter) === JSON.stringify(sandbox);
        if (same) totals.matched++;
        else if (number in listed) totals.listed++;
        if (!same && !(number in listed))
          problems.push(
            `cell ${number} differs:\n  Jupyter: ${jupyter.join('\n           ')}\n  sandbox: ${sandbox.join('\n           ')}`,
          );
        if (same && number in listed) problems.push(`cell ${number} is listed as a difference but matches: ${listed[number]}`);
      }
      if (!OTHER_DIST) assert.deepEqual(problems, []);
    });
  }
});
