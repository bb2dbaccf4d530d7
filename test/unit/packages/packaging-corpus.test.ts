/**
 * Versions, specifiers and markers against `packaging` itself: the corpora in
 * test/fixtures/packaging/ hold packaging's answers (see its README), and every one must be ours.
 */
import * as assert from 'node:assert/strict';
import { parseMarker, type MarkerEnvironment } from '../../../src/packages/markers';
import { parseSpecifiers, satisfies } from '../../../src/packages/specifier';
import { compareVersions, parseVersion } from '../../../src/packages/version';
import { assertAllAgree, readJsonFixture } from '../../fixtures/corpus';

interface Corpus<Case> {
  readonly packaging: string;
  readonly cases: readonly Case[];
}

describe('packages: the packaging corpora', () => {
  it('versions: the same texts are versions, in the same order', () => {
    const corpus = readJsonFixture<Corpus<[string, number | null]>>('test/fixtures/packaging/versions.json');
    const disagreements: string[] = [];
    const valid: [string, number][] = [];
    for (const [text, rank] of corpus.cases) {
      const ours = parseVersion(text) !== undefined;
      if (ours !== (rank !== null)) disagreements.push(`${JSON.stringify(text)}: packaging ${rank === null ? 'refuses' : 'reads'} it`);
      else if (rank !== null) valid.push([text, rank]);
    }
    const sorted = [...valid].sort(([a], [b]) => compareVersions(parseVersion(a)!, parseVersion(b)!));
    for (let i = 1; i < sorted.length; i++) {
      const [[before, rankBefore], [after, rankAfter]] = [sorted[i - 1], sorted[i]];
      const ours = Math.sign(compareVersions(parseVersion(after)!, parseVersion(before)!));
      if (ours !== Math.sign(rankAfter - rankBefore) || rankAfter < rankBefore) {
        disagreements.push(`${before} and ${after}: packaging ranks them ${rankBefore} and ${rankAfter}`);
      }
    }
    assert.ok(valid.length > 1000);
    assertAllAgree('packaging', 'versions', corpus.cases.length, disagreements);
  });

  it('specifiers: the same texts are specifier sets, matching the same versions', () => {
    const corpus = readJsonFixture<Corpus<[string, string | null]> & { candidates: string[] }>('test/fixtures/packaging/specifiers.json');
    const disagreements: string[] = [];
    for (const [text, expected] of corpus.cases) {
      const specifiers = parseSpecifiers(text);
      const ours =
        typeof specifiers === 'string'
          ? null
          : corpus.candidates.map((candidate) => (satisfies(candidate, specifiers) ? '1' : '0')).join('');
      if (ours === expected) continue;
      if (ours === null || expected === null)
        disagreements.push(`${JSON.stringify(text)}: packaging ${expected === null ? 'refuses' : 'reads'} it`);
      else {
        const differ = corpus.candidates.filter((_, i) => ours[i] !== expected[i]);
        disagreements.push(`${JSON.stringify(text)}: packaging differs on ${differ.map((v) => JSON.stringify(v)).join(', ')}`);
      }
    }
    assertAllAgree('packaging', 'specifier sets', corpus.cases.length, disagreements);
  });

  it('markers: the same texts are markers, with the same answer in every environment', () => {
    const corpus = readJsonFixture<Corpus<[string, boolean, string]> & { environments: Record<string, MarkerEnvironment> }>(
      'test/fixtures/packaging/markers.json',
    );
    const environments = Object.entries(corpus.environments);
    const disagreements: string[] = [];
    for (const [text, valid, expected] of corpus.cases) {
      const marker = parseMarker(text);
      if ((typeof marker === 'function') !== valid) {
        disagreements.push(`${JSON.stringify(text)}: packaging ${valid ? 'reads' : 'refuses'} it`);
        continue;
      }
      const ours = environments
        .map(([, environment]) => {
          if (typeof marker === 'string') return 'E';
          try {
            return marker(environment) ? '1' : '0';
          } catch {
            return 'E';
          }
        })
        .join('');
      if (ours !== expected) {
        const differ = environments.flatMap(([name], i) => (ours[i] === expected[i] ? [] : [`${name}: ${expected[i]}, ours ${ours[i]}`]));
        disagreements.push(`${JSON.stringify(text)}: ${differ.join(', ')}`);
      }
    }
    assertAllAgree('packaging', 'markers', corpus.cases.length, disagreements);
  });
});
