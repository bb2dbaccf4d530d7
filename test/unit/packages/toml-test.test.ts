/**
 * The toml-test suite (test/fixtures/toml-test): every valid file reads to the value its JSON
 * gives, every invalid file is refused with a TomlError.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseToml, TomlDateTime, TomlError, type TomlValue } from '../../../src/packages/toml';
import { assertAllAgree } from '../../fixtures/corpus';
import { REPOSITORY } from '../../fixtures/repository';

const SUITE = path.join(REPOSITORY, 'test/fixtures/toml-test/tests');

/** This copy of the suite predates TOML 1.1, which this reader reads: these became valid with it. */
const VALID_SINCE_TOML_1_1 = new Set([
  'invalid/datetime/no-secs.toml', // seconds are optional
  'invalid/inline-table/linebreak-1.toml', // inline tables may span lines
  'invalid/inline-table/linebreak-2.toml',
  'invalid/inline-table/linebreak-3.toml',
  'invalid/inline-table/linebreak-4.toml',
  'invalid/inline-table/trailing-comma.toml', // and end in a comma
  'invalid/string/basic-byte-escapes.toml', // \xHH
]);

/** The suite's .toml files below `folder`, by their paths in the suite. */
function tomlFiles(folder: string): string[] {
  return (fs.readdirSync(path.join(SUITE, folder), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.toml'))
    .map((file) => path.posix.join(folder, file.split(path.sep).join('/')))
    .sort();
}

/** A file's text as an editor hands it over, or undefined when its bytes are not UTF-8 (no text to read). */
function textOf(file: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(path.join(SUITE, file)));
  } catch {
    return undefined;
  }
}

/** A date or time as toml-test writes it: `T` and `Z` upper case, seconds present, no trailing zeros in the fraction. */
function normalDate(text: string): string {
  return text
    .replace(/^(\d{4}-\d{2}-\d{2})[ t]/, '$1T')
    .replace(/z$/, 'Z')
    .replace(/(^|T)(\d{2}:\d{2})(?=$|[Z+-])/, '$1$2:00')
    .replace(/\.(\d*?)0+(?=$|[Z+-])/, (_, digits: string) => (digits ? `.${digits}` : ''));
}

const DATE_TYPES = {
  'offset-date-time': 'datetime',
  'local-date-time': 'datetime-local',
  'local-date': 'date-local',
  'local-time': 'time-local',
};

/**
 * A value in toml-test's JSON shape (`{"type": "string", "value": "..."}`), numbers as their
 * value alone, as toml-test compares them (-0.0 is 0): a JavaScript number cannot tell the
 * integer 1 from the float 1.0.
 */
function tagged(value: TomlValue): unknown {
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value: String(value) };
  if (typeof value === 'number' || typeof value === 'bigint') return { type: 'number', value: String(value) };
  if (value instanceof TomlDateTime) return { type: DATE_TYPES[value.kind], value: normalDate(value.text) };
  if (Array.isArray(value)) return value.map(tagged);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, tagged(item)]));
}

/** The suite's expected JSON in the same shape. */
function expected(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(expected);
  const object = json as Record<string, unknown>;
  if (typeof object.type === 'string' && typeof object.value === 'string' && Object.keys(object).length === 2) {
    const { type, value } = object as { type: string; value: string };
    if (type === 'integer') return { type: 'number', value: String(BigInt(value)) };
    if (type === 'float')
      return {
        type: 'number',
        value: String(
          Number(value.replace(/^([+-]?)(inf|nan)$/, (_, sign: string, word: string) => (word === 'nan' ? 'NaN' : `${sign}Infinity`))),
        ),
      };
    return { type, value: type.includes('date') || type.includes('time') ? normalDate(value) : value };
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, expected(item)]));
}

describe('packages: the toml-test suite', () => {
  it('reads every valid file to the value the suite expects', () => {
    const files = tomlFiles('valid');
    const disagreements: string[] = [];
    for (const file of files) {
      try {
        const want = expected(JSON.parse(fs.readFileSync(path.join(SUITE, file.replace(/\.toml$/, '.json')), 'utf8')));
        const got = tagged(parseToml(textOf(file) ?? ''));
        if (!isDeepStrictEqual(got, want)) disagreements.push(`${file}: read as ${JSON.stringify(got)}`);
      } catch (error) {
        disagreements.push(`${file}: ${String(error)}`);
      }
    }
    assert.ok(files.length >= 100);
    assertAllAgree('toml-test', 'valid files', files.length, disagreements);
  });

  it('refuses every invalid file, but those TOML 1.1 made valid', () => {
    const files = tomlFiles('invalid');
    const disagreements: string[] = [];
    for (const file of files) {
      const text = textOf(file);
      // Not UTF-8: refused before any reading (the editor's text is always a string).
      if (text === undefined) {
        if (!file.startsWith('invalid/encoding/')) disagreements.push(`${file}: not UTF-8`);
        continue;
      }
      let refusal: unknown;
      try {
        parseToml(text);
      } catch (error) {
        refusal = error;
      }
      const refused = refusal instanceof TomlError;
      if (refusal !== undefined && !refused) disagreements.push(`${file}: failed with ${String(refusal)}, not a TomlError`);
      else if (refused === VALID_SINCE_TOML_1_1.has(file))
        disagreements.push(`${file}: ${refused ? `refused (${String(refusal)})` : 'accepted'}`);
    }
    assert.ok(files.length >= 230);
    assertAllAgree('toml-test', 'invalid files', files.length, disagreements);
  });
});
