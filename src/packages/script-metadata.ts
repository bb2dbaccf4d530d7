/** PEP 723 inline script metadata: the `# /// script` block and its `dependencies`. */
import { PackageError } from './errors';
import { parseToml, TomlError, type TomlTable } from './toml';

/** What a script declares about what it needs. */
export interface ScriptMetadata {
  /** PEP 508 requirement strings, as written. */
  readonly dependencies: readonly string[];
  /** A specifier set for the Python version, e.g. `>=3.11`. */
  readonly requiresPython?: string;
}

/** A block's first line, `# /// TYPE`. */
const OPENER = /^# \/\/\/ ([a-zA-Z0-9-]+)$/;
const CLOSER = '# ///';

/** One `# /// TYPE` block: its type and its lines between the markers, as written. */
export interface MetadataBlock {
  readonly type: string;
  readonly lines: readonly string[];
}

/**
 * The blocks the specification's regular expression finds,
 * `(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$`, one line at a
 * time: a block runs from its opener to the last `# ///` line of the comment lines (`#` or
 * `# …`) that follow it, with at least one line between. The expression itself backtracks: on
 * lines of openers that never close, it took minutes for 100,000 lines, and the code it reads
 * is untrusted (an agent's, before the user confirms it). Lines end as JavaScript's `^` and `$`
 * see them: at `\n`, `\r`, U+2028 and U+2029.
 */
export function findMetadataBlocks(code: string): MetadataBlock[] {
  const lines = code.split(/\r\n|[\n\r\u2028\u2029]/);
  const comment = lines.map((line) => line === '#' || line.startsWith('# '));
  // runEnd[i]: the first line at or after i that is no comment; lastCloser[i]: the last `# ///` line before i.
  const runEnd = new Array<number>(lines.length + 1);
  runEnd[lines.length] = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) runEnd[i] = comment[i] ? runEnd[i + 1] : i;
  const lastCloser = new Array<number>(lines.length + 1);
  lastCloser[0] = -1;
  for (let i = 0; i < lines.length; i++) lastCloser[i + 1] = lines[i] === CLOSER ? i : lastCloser[i];
  const blocks: MetadataBlock[] = [];
  // The last line has no line end after it: an opener there, or a line between, would need one.
  for (let i = 0; i < lines.length - 1; i++) {
    const type = OPENER.exec(lines[i])?.[1];
    if (type === undefined) continue;
    const closer = lastCloser[runEnd[i + 1]];
    if (closer < i + 2) continue;
    blocks.push({ type, lines: lines.slice(i + 1, closer) });
    i = closer;
  }
  return blocks;
}

/**
 * Reads the `script` block of `code`, or undefined when there is none. A second `script` block
 * or TOML that does not parse or has the wrong shape is a PackageError, as the specification
 * asks tools to refuse them rather than guess.
 */
export function readScriptMetadata(code: string): ScriptMetadata | undefined {
  const blocks = findMetadataBlocks(code).filter((block) => block.type === 'script');
  if (blocks.length === 0) return undefined;
  if (blocks.length > 1) fail('there is more than one "# /// script" block');
  const toml = blocks[0].lines.map((line) => `${line.slice(line.startsWith('# ') ? 2 : 1)}\n`).join('');
  let table: TomlTable;
  try {
    table = parseToml(toml);
  } catch (error) {
    if (error instanceof TomlError) fail(`its TOML does not parse (${error.message})`);
    throw error;
  }
  const { dependencies = [], 'requires-python': requiresPython } = table;
  if (!Array.isArray(dependencies) || !dependencies.every((item) => typeof item === 'string')) {
    fail('"dependencies" must be an array of strings, e.g. dependencies = ["numpy", "attrs>=23"]');
  }
  if (requiresPython !== undefined && typeof requiresPython !== 'string') fail('"requires-python" must be a string, e.g. ">=3.11"');
  return { dependencies: dependencies as string[], ...(requiresPython === undefined ? {} : { requiresPython }) };
}

function fail(why: string): never {
  throw new PackageError('invalid', `inline script metadata (# /// script): ${why}`);
}
